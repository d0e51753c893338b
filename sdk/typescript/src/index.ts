export { Client, Arga, type ClientOptions } from './client.js';
export { TwinRuns, Twins, Scenarios } from './resources.js';
export { ApiError, ConnectionError, RunNotReadyError, TimeoutError, TwinsError } from './errors.js';
export { type FetchLike, type RequestOptions, parseRetryAfter, RETRY_STATUSES } from './http.js';
export {
  MAP_FIELDS,
  OPAQUE_FIELDS,
  camelToSnake,
  snakeToCamel,
  toCamelKeys,
  toSnakeKeys,
} from './case.js';
export { VERSION } from './version.js';
export * from './types.js';

import { Client } from './client.js';
export default Client;
