// Shared by the UI tests that run Delete Tags by Rule…: its four input boxes, answered one by one.
import type { E2EContext } from '../harness/e2e';

/** Fills the current input box once its title shows `step` of 4, then presses Enter. */
export async function answerStep(ctx: E2EContext, step: number, value: string): Promise<void> {
  await ctx.page.locator('.quick-input-widget .quick-input-title', { hasText: `(${step}/4)` }).waitFor({ timeout: 15_000 });
  await ctx.wb.typeQuickInput(value);
}
