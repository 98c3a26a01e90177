package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// canaryPlanCheck fails when a canary is in the JSON of the saved plan
// (what `terraform show -json <planfile>` prints).
type canaryPlanCheck struct{ canaries *[]string }

func (c canaryPlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	b, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	if hits := scanBytes(b, *c.canaries); len(hits) > 0 {
		resp.Error = fmt.Errorf("terraform show -json of the saved plan: %s", strings.Join(hits, "; "))
	}
}

// canaryStateCheck fails when a canary is in `terraform show -json` of the
// state.
type canaryStateCheck struct{ canaries *[]string }

func (c canaryStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if hits := scanBytes(b, *c.canaries); len(hits) > 0 {
		resp.Error = fmt.Errorf("terraform show -json of the state: %s", strings.Join(hits, "; "))
	}
}

// canaryFilesCheck fails when a canary is in any file Terraform has written
// so far: the working directory (state file, saved plans, lock file, ...)
// and the TRACE log of Terraform and the provider.
func canaryFilesCheck(t *testing.T, workRoot, logFile string, canaries *[]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		hits, files := scanTree(t, workRoot, *canaries...)
		if files == 0 {
			return fmt.Errorf("canary scan read no files under %s: the scan would prove nothing", workRoot)
		}
		if log, err := os.ReadFile(logFile); err == nil {
			hits = append(hits, scanBytes(log, *canaries)...)
		}
		if len(hits) > 0 {
			return fmt.Errorf("secret found in Terraform's files: %s", strings.Join(hits, "; "))
		}
		return nil
	}
}

// expectPriorSecureFields checks the "before" side of secure_json_fields in
// the plan: with expected "after" ["apiKey"], it proves the drift is what the
// plan shows.
func expectPriorSecureFields(addr string, want []string) plancheck.PlanCheck {
	return priorValueCheck{addr: addr, attr: "secure_json_fields", want: anySlice(want)}
}

// expectPriorValue checks the "before" side of one attribute in the plan:
// the value Terraform refreshed from Grafana.
func expectPriorValue(addr, attr string, want any) plancheck.PlanCheck {
	return priorValueCheck{addr: addr, attr: attr, want: want}
}

type priorValueCheck struct {
	addr, attr string
	want       any
}

func (c priorValueCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		if got := fmt.Sprint(before[c.attr]); got != fmt.Sprint(c.want) {
			resp.Error = fmt.Errorf("%s: %s before = %s, want %v", c.addr, c.attr, got, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", c.addr)
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
