// Public API of the deletion-rule engine (pure; shared by the extension and the CLI).
export { compileRe2, hasTopLevelAlternation, isValidRe2, alternationWarning, RegexSyntaxError } from './regex';
export type { CompileOptions, Re2Pattern } from './regex';
export { parseDuration, DURATION_UNITS } from './duration';
export {
  evaluateRule,
  compileRule,
  validateRule,
  bulkParamsFromRule,
  compareCodePoints,
  ACCESS_LEVELS,
  SERVER_PAGE_SIZE,
  LEGACY_MAX_LIST_SIZE,
} from './engine';
export type {
  Rule,
  Reason,
  Action,
  Decision,
  Evaluation,
  EvaluationContext,
  EvaluableTag,
  CompiledRule,
} from './engine';
export {
  CADENCE_VALUES,
  KEEP_N_VALUES,
  OLDER_THAN_VALUES,
  validatePolicyPatch,
  ruleFromPolicy,
} from './policy';
export type { Cadence, PolicyKeepN, PolicyOlderThan, PolicyPatch } from './policy';
