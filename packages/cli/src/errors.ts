export { ParamError, UnknownAgentError } from '@switchboard/core';
export interface StoreErrorLike extends Error {
  name: string;
}
