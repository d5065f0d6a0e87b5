// local/shared/http.ts: the plumbing the local servers share (body reading with a limit, JSON and error
// answers, parser errors in the envelope, listen/close), and the host's limit settings built on it.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpLimitsFromSettings } from '../../local/functions-host/http/limits';
import { answerClientErrors, BodyTooLargeError, closeServer, listen, readBody, sendError, sendJson } from '../../local/shared/http';

describe('local/shared/http', () => {
  it('reads bodies, refusing those over the limit; answers JSON and errors; listens on loopback and closes', async () => {
    const { server, url } = await listen(async (req, res) => {
      try {
        const body = await readBody(req, { limit: 10 });
        sendJson(res, 200, { got: body.toString() });
      } catch (error) {
        if (error instanceof BodyTooLargeError) sendError(res, 413, 'too_large', error.message, { connection: 'close' });
        else throw error;
      }
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(url, { method: 'POST', body: 'small' });
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await ok.json()).toEqual({ got: 'small' });
    const big = await fetch(url, { method: 'POST', body: 'x'.repeat(11) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: 'too_large', message: 'The request body is larger than 10 bytes.' } });
    await closeServer(server, { force: true });
    expect(server.listening).toBe(false);
    await closeServer(server);
  });

  it('answers what the HTTP parser rejects in the error envelope', async () => {
    const { server, port } = await listen(() => undefined);
    answerClientErrors(server);
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'bad_request', message: 'The request is not valid HTTP.' } });
    await closeServer(server, { force: true });
  });
});

describe('HTTP limit settings', () => {
  it('default to 100 MB bodies and 230 s responses, and name invalid values', () => {
    expect(httpLimitsFromSettings({})).toEqual({ maxRequestBodyBytes: 104_857_600, responseTimeoutMs: 230_000 });
    expect(httpLimitsFromSettings({ FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '2048', LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS: '0.5' })).toEqual({ maxRequestBodyBytes: 2048, responseTimeoutMs: 500 });
    expect(() => httpLimitsFromSettings({ FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '10MB' })).toThrow(/FUNCTIONS_REQUEST_BODY_SIZE_LIMIT/);
    expect(() => httpLimitsFromSettings({ LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS: '-1' })).toThrow(/LOCAL_HOST_HTTP_RESPONSE_TIMEOUT_SECONDS/);
  });
});
