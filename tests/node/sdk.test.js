// The official OpenAI Node SDK, unmodified, pointed at Railgate.
// RAILGATE_URL (e.g. http://127.0.0.1:4000) is set by tests/run.sh, which
// starts Railgate on the built-in offline config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const base = process.env.RAILGATE_URL;
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-not-needed', maxRetries: 0, timeout: 10000 });

test('chat completion', async () => {
  const r = await client.chat.completions.create({
    model: 'mock',
    messages: [{ role: 'user', content: 'Hello from the SDK' }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.match(r.choices[0].message.content, /You said: Hello from the SDK/);
  assert.ok(r.usage.total_tokens > 0);
});

test('streamed chat completion', async () => {
  const stream = await client.chat.completions.create({
    model: 'mock',
    stream: true,
    messages: [{ role: 'user', content: 'stream it' }],
  });
  let text = '';
  let chunks = 0;
  let finish = null;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.ok(chunks >= 3, `expected several chunks, got ${chunks}`);
  assert.equal(text, "Hello from Railgate's mock model. You said: stream it");
  assert.equal(finish, 'stop');
});

test('models list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes('mock'));
});

test('errors surface as SDK errors with the status', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    (err) => err.status === 404 && err.code === 'model_not_found',
  );
});
