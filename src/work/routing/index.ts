export * from './no-agent.ts';
export * from './priority.ts';
export * from './pull.ts';
export * from './push.ts';
export * from './sla.ts';
export * from './types.ts';
