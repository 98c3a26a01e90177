package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/platformkit/terraform-provider-grafanaapp/internal/grafanaapi"
)

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client       *grafanaapi.Client
	orgID        int64  // default organization
	url          string // for diagnostics
	retryTimeout string // for diagnostics
	unknown      bool   // provider configuration not known until apply
}

// fromProviderData checks what the framework passes to a resource's or data
// source's Configure; nil means the provider is not configured yet.
func fromProviderData(v any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil {
		return nil, diags
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the grafanaapp provider", v))
	}
	return d, diags
}

// ready reports a clear error when the resource is used before the provider
// could be configured.
func (d *providerData) ready() diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Provider not configured", "The grafanaapp provider was not configured; this is a bug in Terraform or the provider.")
	case d.unknown:
		diags.AddError("Grafana connection not known yet",
			"The provider's url, auth, org_id, ca_cert or retry_timeout depends on a value that is only known after apply, "+
				"but this step needs to call Grafana. Apply the resources it depends on first (terraform apply -target=...).")
	}
	return diags
}
