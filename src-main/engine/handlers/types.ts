/** What every domain's request handlers receive, and the shape they must have. */
import type { Channel, ParsedRequestOf, Results } from '../../shared/contract'
import type { EngineOptions } from '../jobs/protocol'
import type { JobRunner } from '../jobs/runner'
import type { Workspace } from '../workspace'

export interface HandlerDeps {
  options: EngineOptions
  workspace: Workspace
  runner: JobRunner
}

export type Handlers = { [C in Channel]: (arg: ParsedRequestOf<C>) => Promise<Results[C]> }
