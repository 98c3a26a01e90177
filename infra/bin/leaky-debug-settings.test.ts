import { describe, expect, it } from 'vitest';
import { leakyDebugSettings } from './leaky-debug-settings';

describe('leakyDebugSettings', () => {
  it('refuses provider protocol dumps, naming the variable and the fix', () => {
    expect(leakyDebugSettings({ TF_LOG_SDK_PROTO_DATA_DIR: '/tmp/dumps' })).toEqual([
      {
        field: 'TF_LOG_SDK_PROTO_DATA_DIR',
        problem: expect.stringContaining('the API key included'),
        fix: expect.stringMatching(/^unset TF_LOG_SDK_PROTO_DATA_DIR/),
      },
    ]);
  });

  it('allows the debug logs that were shown not to record the key', () => {
    expect(
      leakyDebugSettings({
        TF_LOG: 'trace',
        TF_LOG_PATH: '/tmp/tf.log',
        CDKTF_LOG_LEVEL: 'debug',
        CDKTF_LOG_FILE_DIRECTORY: '/tmp',
        TF_LOG_SDK_PROTO_DATA_DIR: '',
      })
    ).toEqual([]);
  });
});
