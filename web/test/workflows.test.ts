import { describe, expect, it } from 'vitest';
import type { Workflow } from '../src/api.ts';
import {
  emptyStep,
  fromWorkflow,
  parsePairs,
  testResults,
  toCondition,
  toStep,
  toWorkflowInput,
} from '../src/workflows.ts';

describe('workflow form', () => {
  it('parses header and column lines', () => {
    expect(parsePairs('Content-Type: application/json\n\nX-Key:  a:b \nbroken', ':')).toEqual({
      'Content-Type': 'application/json',
      'X-Key': 'a:b',
    });
    expect(parsePairs('id = {{conversationId}}\nnote={{summary}}', '=')).toEqual({
      id: '{{conversationId}}',
      note: '{{summary}}',
    });
  });

  it('gives each condition operator the value it takes', () => {
    expect(toCondition({ field: 'channel', op: 'eq', value: 'chat' })).toEqual({
      field: 'channel',
      op: 'eq',
      value: 'chat',
    });
    expect(toCondition({ field: 'channel', op: 'in', value: 'chat, email,' })).toEqual({
      field: 'channel',
      op: 'in',
      value: ['chat', 'email'],
    });
    expect(toCondition({ field: 'summary', op: 'exists', value: 'true' })).toEqual({
      field: 'summary',
      op: 'exists',
    });
    expect(toCondition({ field: 'summary', op: 'exists', value: 'false' })).toEqual({
      field: 'summary',
      op: 'exists',
      value: false,
    });
  });

  it('keeps only the fields of the step type, leaving optional ones out when empty', () => {
    const http = toStep({
      ...emptyStep('http'),
      url: ' https://example.test/hook ',
      body: '',
      timeoutMs: '',
    });
    expect(http).toEqual({
      type: 'http',
      method: 'POST',
      url: 'https://example.test/hook',
      headers: { 'Content-Type': 'application/json' },
    });
    const signed = toStep({ ...emptyStep('http'), url: 'https://x.test', signatureSecretEnv: 'SECRET' });
    expect(signed).toMatchObject({ signature: { secretEnv: 'SECRET' }, timeoutMs: 10000 });
    expect(toStep({ ...emptyStep('sheets'), spreadsheetId: 'abc', timeoutMs: '' })).toEqual({
      type: 'sheets',
      spreadsheetId: 'abc',
      range: 'Sheet1!A1',
      values: ['{{conversationId}}', '{{resolvedAt}}', '{{summary}}'],
    });
    expect(
      toStep({
        ...emptyStep('warehouse'),
        connectionUrlEnv: 'WH',
        table: 'conv',
        keyColumns: 'conversation_id',
      }),
    ).toEqual({
      type: 'warehouse',
      connectionUrlEnv: 'WH',
      table: 'conv',
      columns: { conversation_id: '{{conversationId}}', resolved_at: '{{resolvedAt}}' },
      keyColumns: ['conversation_id'],
      timeoutMs: 10000,
    });
  });

  it('round-trips a stored workflow through the form (no id or dates in the body)', () => {
    const stored: Workflow = {
      id: 7,
      name: 'Warehouse',
      enabled: false,
      trigger: 'conversation.closed',
      createdAt: '2026-01-01T00:00:00Z',
      conditions: [
        { field: 'channel', op: 'in', value: ['chat', 'email'] },
        { field: 'csat', op: 'eq', value: 5 },
      ],
      steps: [
        {
          type: 'http',
          method: 'PUT',
          url: 'https://x.test/{{conversationId}}',
          headers: { A: '1' },
          body: '{"a": "{{summary}}"}',
          signature: { secretEnv: 'S', header: 'X-Sig' },
          timeoutMs: 5000,
        },
        {
          type: 'sheets',
          spreadsheetId: 'id',
          range: 'S!A1',
          values: ['{{conversationId}}'],
          timeoutMs: 10000,
        },
      ],
    };
    expect(toWorkflowInput(fromWorkflow(stored))).toEqual({
      name: 'Warehouse',
      enabled: false,
      trigger: 'conversation.closed',
      conditions: [
        { field: 'channel', op: 'in', value: ['chat', 'email'] },
        { field: 'csat', op: 'eq', value: '5' },
      ],
      steps: [
        {
          type: 'http',
          method: 'PUT',
          url: 'https://x.test/{{conversationId}}',
          headers: { A: '1' },
          body: '{"a": "{{summary}}"}',
          signature: { secretEnv: 'S', header: 'X-Sig' },
          timeoutMs: 5000,
        },
        {
          type: 'sheets',
          spreadsheetId: 'id',
          range: 'S!A1',
          values: ['{{conversationId}}'],
          timeoutMs: 10000,
        },
      ],
    });
  });

  it('reads test answers of several shapes', () => {
    expect(
      testResults({
        steps: [
          { stepIndex: 0, type: 'http', status: 'ok', responseCode: 200 },
          { stepIndex: 1, type: 'sheets', status: 'error', error: 'boom' },
        ],
      }),
    ).toEqual([
      {
        step: 1,
        type: 'http',
        name: undefined,
        skipped: false,
        ok: true,
        status: 200,
        error: null,
        response: undefined,
      },
      {
        step: 2,
        type: 'sheets',
        name: undefined,
        skipped: false,
        ok: false,
        status: null,
        error: 'boom',
        response: undefined,
      },
    ]);
    expect(testResults({ results: [{ ok: false, statusCode: 500 }] })[0]).toMatchObject({
      ok: false,
      status: 500,
    });
    expect(testResults([{ status: 404 }])[0]).toMatchObject({ step: 1, ok: false, status: 404 });
    expect(testResults({})).toEqual([]);
  });
});
