/**
 * Workflows: on "conversation closed" (with conditions), run steps — an HTTP request, a spreadsheet row, a
 * warehouse insert — with the closed conversation's variables, delivered at least once through the
 * operational store's outbox (README "Workflows", docs/decisions/0009-workflow-delivery.md).
 */
export {
  CONDITION_OPS,
  type Condition,
  type ConditionOp,
  conditionHolds,
  conditionsHold,
} from './conditions.ts';
export {
  backoffMs,
  DEFAULT_LEASE_MS,
  type DispatchResult,
  dispatchOne,
  type RetryPolicy,
} from './dispatcher.ts';
export {
  conditionSchema,
  type HttpStep,
  parseWorkflowInput,
  type SheetsStep,
  type Step,
  stepSchema,
  TRIGGERS,
  type WarehouseStep,
  type Workflow,
  type WorkflowDefinition,
  type WorkflowInput,
  WorkflowValidationError,
  workflowInputSchema,
} from './model.ts';
export {
  ConflictError,
  createWorkflow,
  type Delivery,
  deleteWorkflow,
  getRun,
  getWorkflow,
  listRuns,
  listWorkflows,
  NotFoundError,
  RUN_STATUSES,
  RUN_TOPIC,
  type Run,
  rerunRun,
  runKey,
  updateWorkflow,
} from './repository.ts';
export { type ScanSummary, scanClosedConversations, TRIGGER, versionScheme } from './scan.ts';
export {
  type StepTestResult,
  type WorkflowLog,
  WorkflowService,
  type WorkflowTestResult,
} from './service.ts';
export {
  EVENT_ID_HEADER,
  JWT_BEARER_GRANT,
  jwtAssertion,
  SHEETS_SCOPE,
  type StepResult,
  sheetCell,
  signatureOf,
} from './steps/index.ts';
export { renderJson, renderText, renderUrl, renderValue, TemplateError } from './template.ts';
export {
  CONDITION_FIELDS,
  CONVERSATION_VARIABLES,
  RUN_VARIABLES,
  TEMPLATE_VARIABLES,
  type VariableSpec,
  type Variables,
  VERSION_VARIABLES,
  versionOf,
} from './variables.ts';
