// The promote form's rollout plan, from what a person types: steps as "10,50,100", a soak between
// steps ("1h", "30m", "0"), a halt on a failure percentage. No DOM here. The server checks the plan
// again (the last step 100, rising percentages) and its message is what the page shows when it
// refuses; this only turns text into the body and catches what is not a number at all.

export interface PlanInput {
  steps: string;
  soak: string;
  haltPercent: string;
}

export interface PlanBody {
  steps: { percent: number; soak: string | number }[];
  haltOn?: { failurePercent: number };
}

/** The `rollout` field of the promotion, or null for "every node at once" (no steps given). */
export function planOf(input: PlanInput): PlanBody | null {
  const text = input.steps.trim();
  const halt = input.haltPercent.trim();
  if (!text) {
    if (halt) throw new Error('a halt threshold needs steps: give them, e.g. 10,50,100');
    return null;
  }
  const percents = text.split(/[\s,]+/).filter(Boolean).map(Number);
  if (percents.some((p) => !Number.isFinite(p))) throw new Error(`steps must be percentages separated by commas, like 10,50,100 (got "${text}")`);
  const soak = input.soak.trim() || 0;
  // The last step has nothing after it to wait for.
  const steps = percents.map((percent, i) => ({ percent, soak: i === percents.length - 1 ? 0 : soak }));
  if (!halt) return { steps };
  const failurePercent = Number(halt);
  if (!Number.isFinite(failurePercent)) throw new Error(`halt on must be a percentage (got "${halt}")`);
  return { steps, haltOn: { failurePercent } };
}

/** One line saying what the plan does, for the confirmation. */
export function planText(plan: PlanBody | null): string {
  if (!plan) return 'offered to every node at once';
  const steps = plan.steps.map((s) => `${s.percent}%`).join(' → ');
  const soak = plan.steps.length > 1 ? `, ${plan.steps[0]?.soak || 'no'} soak between steps` : '';
  const halt = plan.haltOn ? `, halting when failures reach ${plan.haltOn.failurePercent}%` : '';
  return `in steps ${steps}${soak}${halt}`;
}
