// Debug settings that would write the API key down during diff or deploy.
//
// Each of these was run with a canary key through a real deploy (the
// store-source integration tests keep checking the harmless ones):
//   TF_LOG_SDK_PROTO_DATA_DIR  terraform-plugin-go writes every provider
//                              request as a file, write-only values included
//                              -> the key lands in ValidateResourceConfig /
//                              PlanResourceChange / ApplyResourceChange dumps.
//                              Refused here.
//   TF_LOG=trace, TF_LOG_PATH, CDKTF_LOG_LEVEL=debug, CDKTF_LOG_FILE_DIRECTORY
//                              terraform's trace and cdktn's cdktf.log: the
//                              ephemeral value is not recorded. Allowed.
import type { ConfigProblem } from '../config/config-error';

type Env = Record<string, string | undefined>;

export function leakyDebugSettings(env: Env): ConfigProblem[] {
  const dumps = env.TF_LOG_SDK_PROTO_DATA_DIR;
  if (!dumps) return [];
  return [
    {
      field: 'TF_LOG_SDK_PROTO_DATA_DIR',
      problem: `is set ("${dumps}"), so the provider would write every request, the API key included, into files there`,
      fix: 'unset TF_LOG_SDK_PROTO_DATA_DIR for diff and deploy (TF_LOG=trace and CDKTF_LOG_LEVEL=debug are safe to use instead)',
    },
  ];
}
