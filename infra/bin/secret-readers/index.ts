// The deploy-time readers, one per secret source construct, and readSecrets,
// which runs several and merges what they give Terraform.
export { ephemeralVariableReader } from './ephemeral-variable';
export { environmentReader } from './environment';
export { openBaoKv2Reader, type OpenBaoAuth, type OpenBaoJwtAuth, type OpenBaoKv2ReaderOptions } from './openbao-kv2';
export {
  PLACEHOLDER_KEY,
  SecretSourceError,
  type FieldNaming,
  type ReadContext,
  type ResolvedSecret,
  type SecretReader,
} from './reader';
export { readSecrets, type ReadSecrets } from './read-secrets';
export { sopsAgeReader } from './sops-age';
