import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAuthorized, presentedKey } from '../../local/functions-host/http/auth';
import { parseHostJson, parseTimeSpan, readHostJson } from '../../local/functions-host/host-json';
import { createHostLog, formatLogLine } from '../../local/functions-host/logs';
import { decodeMessage, encodeMessage } from '../../local/functions-host/queues/codec';
import { toQueueContents } from '../../local/functions-host/queues/output';
import { applySettings, readLocalSettings } from '../../local/functions-host/settings';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'functions-host-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('host.json', () => {
  it('parses TimeSpan strings', () => {
    expect(parseTimeSpan('00:00:02')).toBe(2_000);
    expect(parseTimeSpan('00:01:00')).toBe(60_000);
    expect(parseTimeSpan('1.02:00:00.5')).toBe(26 * 3_600_000 + 500);
    expect(() => parseTimeSpan('2 seconds')).toThrow(/TimeSpan/);
  });

  it("applies the real host's defaults", () => {
    expect(readHostJson(tmp)).toEqual({
      routePrefix: 'api',
      functionTimeoutMs: 30 * 60_000,
      queues: { batchSize: 16, newBatchThreshold: 8, maxPollingIntervalMs: 60_000, visibilityTimeoutMs: 0, maxDequeueCount: 5, messageEncoding: 'base64' },
      logLevels: {},
    });
    expect(parseHostJson({ extensions: { queues: { batchSize: 5 } } }).queues.newBatchThreshold).toBe(2);
    expect(parseHostJson({ extensions: { http: { routePrefix: '' } } }).routePrefix).toBe('');
  });

  it('reads queue settings and names invalid values', () => {
    writeFileSync(path.join(tmp, 'host.json'), JSON.stringify({ extensions: { queues: { maxDequeueCount: 2, visibilityTimeout: '00:00:03', messageEncoding: 'none' } } }));
    expect(readHostJson(tmp).queues).toMatchObject({ maxDequeueCount: 2, visibilityTimeoutMs: 3_000, messageEncoding: 'none' });
    expect(() => parseHostJson({ extensions: { queues: { batchSize: 64 } } })).toThrow(/extensions\.queues\.batchSize/);
    expect(() => parseHostJson({ extensions: { queues: { visibilityTimeout: 'soon' } } })).toThrow(/visibilityTimeout/);
  });

  it('reads functionTimeout: a TimeSpan of at least a second, or -1 / null for no limit', () => {
    expect(parseHostJson({ functionTimeout: '00:10:00' }).functionTimeoutMs).toBe(600_000);
    expect(parseHostJson({ functionTimeout: '-1' }).functionTimeoutMs).toBeUndefined();
    expect(parseHostJson({ functionTimeout: null }).functionTimeoutMs).toBeUndefined();
    expect(() => parseHostJson({ functionTimeout: '00:00:00.5' })).toThrow(/functionTimeout/);
    expect(() => parseHostJson({ functionTimeout: 'ten minutes' })).toThrow(/functionTimeout/);
  });
});

describe('settings', () => {
  it('reads Values from local.settings.json; a missing file is empty', () => {
    const file = path.join(tmp, 'local.settings.json');
    writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values: { A: 'from-file', B: 'b', N: 3 } }));
    expect(readLocalSettings(file)).toEqual({ A: 'from-file', B: 'b', N: '3' });
    expect(readLocalSettings(path.join(tmp, 'absent.json'))).toEqual({});
  });

  it('never overrides variables that are already set', () => {
    const env: Record<string, string | undefined> = { A: 'from-env' };
    expect(applySettings(env, { A: 'from-file', B: 'b' })).toEqual(['B']);
    expect(env).toEqual({ A: 'from-env', B: 'b' });
  });
});

describe('function keys', () => {
  const keys = { functionKey: 'fk', masterKey: 'mk' };

  it('enforces function and admin levels when keys are configured', () => {
    expect(isAuthorized('anonymous', keys, undefined)).toBe(true);
    expect(isAuthorized('function', keys, undefined)).toBe(false);
    expect(isAuthorized('function', keys, 'fk')).toBe(true);
    expect(isAuthorized('function', keys, 'mk')).toBe(true);
    expect(isAuthorized('function', keys, 'wrong')).toBe(false);
    expect(isAuthorized('admin', keys, 'fk')).toBe(false);
    expect(isAuthorized('admin', keys, 'mk')).toBe(true);
  });

  it('does not enforce keys when none is configured', () => {
    expect(isAuthorized('admin', {}, undefined)).toBe(true);
  });

  it('takes the key from x-functions-key, then the code query', () => {
    expect(presentedKey(new URL('http://h/api/x?code=q'), { 'x-functions-key': 'h' })).toBe('h');
    expect(presentedKey(new URL('http://h/api/x?code=q'), {})).toBe('q');
    expect(presentedKey(new URL('http://h/api/x'), {})).toBeUndefined();
  });
});

describe('logs', () => {
  it('prefixes lines with the time, function name and invocation id', () => {
    expect(formatLogLine(new Date('2026-11-23T20:00:00Z'), { message: 'hello', functionName: 'health', invocationId: 'abc' })).toBe('[2026-11-23T20:00:00.000Z] [health] [abc] hello');
    expect(formatLogLine(new Date('2026-11-23T20:00:00Z'), { message: 'host line' })).toBe('[2026-11-23T20:00:00.000Z] host line');
  });

  it('filters by host.json logLevel (default, Function, Function.<name>)', () => {
    const lines: string[] = [];
    const log = createHostLog({ levels: { default: 'warning', 'Function.chatty': 'debug' }, write: (line) => lines.push(line), now: () => new Date(0) });
    log.write({ level: 'information', category: 'user', message: 'dropped', functionName: 'quiet' });
    log.write({ level: 'error', category: 'user', message: 'kept error', functionName: 'quiet' });
    log.write({ level: 'debug', category: 'user', message: 'kept debug', functionName: 'chatty' });
    log.host('information', 'dropped host line');
    expect(lines.map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual(['[quiet] kept error', '[chatty] kept debug']);
  });
});

describe('queue messages', () => {
  it('decodes and encodes per messageEncoding', () => {
    expect(decodeMessage(Buffer.from('{"a":1}').toString('base64'), 'base64')?.toString()).toBe('{"a":1}');
    expect(decodeMessage('not base64!', 'base64')).toBeUndefined();
    expect(decodeMessage('not base64!', 'none')?.toString()).toBe('not base64!');
    expect(encodeMessage('hi', 'base64')).toBe('aGk=');
    expect(encodeMessage('hi', 'none')).toBe('hi');
  });

  it('turns output values into messages (arrays send one message per element)', () => {
    expect(toQueueContents({ string: 'plain' })).toEqual(['plain']);
    expect(toQueueContents({ json: '{"a":1}' })).toEqual(['{"a":1}']);
    expect(toQueueContents({ json: '["x",{"b":2}]' })).toEqual(['x', '{"b":2}']);
    expect(toQueueContents({ int: 5 })).toEqual(['5']);
    expect(toQueueContents(undefined)).toEqual([]);
  });
});
