/** One error vocabulary: `Problem` results inside, one error class per code at the edge. */
export { atIndex, fail, OK, type Check, type Failure, type Problem, type ProblemCode } from "./problem.js";
