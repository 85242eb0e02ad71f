export { type Logger, jsonLogger, silentLogger } from "./logger.js";
