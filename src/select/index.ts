/** Selection: rules, model, verdicts, evaluation. See docs/selection.md. */
export { History, type CommitRec, type Details } from './history.js';
export { branchView, historyView, type BranchView, type Holding } from './view.js';
export { evaluateRules, RULE_ORDER, CERTAIN_RULES, globToRegExp, type RuleHit, type RuleId, type RuleStat } from './rules.js';
export { trainModel, modelToJson, modelFromJson, decidingRule, type SelectionModel, type LagMode, type TrainInput } from './model.js';
export { judgeCommits, type Verdict, type VerdictKind, type Reason, type JudgeOptions } from './judge.js';
export { evaluateWindow, readLabels, type EvalResult, type EvalRow, type EvalInput } from './evaluate.js';
export { cachedNumstats, saveModel, loadModelJson, ensureSelectTables } from './store.js';
export { fitIsotonic, applyIsotonic, bestThreshold, prf, type Isotonic, type PRF } from './calibrate.js';
export { LogisticModel } from './logreg.js';
export { selectConfig, optOutMatchers, type SelectConfig } from './config.js';
