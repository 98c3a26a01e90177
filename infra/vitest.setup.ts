// Wires cdktn's Testing matchers (toHaveResourceWithProperties,
// toBeValidTerraform, ...) into vitest's global expect.
import { Testing } from 'cdktn';
import type { TerraformConstructor } from 'cdktn/lib/testing/matchers';

Testing.setupJest();

interface CdktnMatchers<R = unknown> {
  toHaveResource(resource: TerraformConstructor): R;
  toHaveResourceWithProperties(resource: TerraformConstructor, properties: Record<string, unknown>): R;
  toHaveDataSource(dataSource: TerraformConstructor): R;
  toHaveDataSourceWithProperties(dataSource: TerraformConstructor, properties: Record<string, unknown>): R;
  toHaveProvider(provider: TerraformConstructor): R;
  toHaveProviderWithProperties(provider: TerraformConstructor, properties: Record<string, unknown>): R;
  toBeValidTerraform(): R;
  toPlanSuccessfully(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends CdktnMatchers<R> {}
}
