/**
 * The engine behind the contract: validates every request with its zod schema, then dispatches it to
 * the handler of its domain. Used by the engine worker (Electron and browser mode) and by tests.
 */
import { parseRequest, RequestError, type Channel, type EngineEvent, type Results } from '../shared/contract'
import type { EngineOptions } from './jobs/protocol'
import { JobRunner } from './jobs/runner'
import { Workspace } from './workspace'
import { appHandlers } from './handlers/app'
import { dataHandlers } from './handlers/data'
import { learnHandlers } from './handlers/learn'
import { assimilateHandlers } from './handlers/assimilate'
import { deploymentFieldHandlers } from './handlers/deployment-field'
import type { HandlerDeps, Handlers } from './handlers/types'

export interface Engine {
  handle<C extends Channel>(channel: C, arg: unknown): Promise<Results[C]>
}

export async function createEngine(options: EngineOptions, emit: (event: EngineEvent) => void): Promise<Engine> {
  const deps: HandlerDeps = { options, workspace: new Workspace(options.workspace), runner: new JobRunner(emit) }
  await deps.workspace.removeStale()
  const handlers: Handlers = {
    ...(await appHandlers(deps)),
    ...dataHandlers(deps),
    ...learnHandlers(deps),
    ...assimilateHandlers(deps),
    ...deploymentFieldHandlers(deps)
  }
  return {
    async handle(channel, arg) {
      const parsed = parseRequest(channel, arg)
      const handler = handlers[channel] as ((a: typeof parsed) => Promise<Results[typeof channel]>) | undefined
      if (!handler) throw new RequestError('not-found', `unknown request "${channel}"`)
      return handler(parsed)
    }
  }
}
