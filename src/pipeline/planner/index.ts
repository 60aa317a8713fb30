export { plan, type Plan, type PlanReason, type PlanRequest, type PlanState, type PlannedStep } from './plan.js';
