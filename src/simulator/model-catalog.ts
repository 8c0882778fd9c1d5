// The models the simulator serves (protocol §3.12) and the ListAvailableModels answer.

export interface SimModelSpec {
  modelId: string;
  modelName: string;
  description?: string;
  /** Credits per request unit (§3.12). */
  rateMultiplier: number;
  /** Context window in tokens. */
  maxInputTokens: number;
  maxOutputTokens?: number;
}

const MILLION = 1_000_000;
const STANDARD = 200_000;

export const DEFAULT_SIM_MODELS: readonly SimModelSpec[] = [
  { modelId: 'auto', modelName: 'Auto', rateMultiplier: 1.0, maxInputTokens: MILLION },
  { modelId: 'claude-opus-4.6', modelName: 'Claude Opus 4.6', rateMultiplier: 2.2, maxInputTokens: MILLION },
  {
    modelId: 'claude-sonnet-4.6',
    modelName: 'Claude Sonnet 4.6',
    rateMultiplier: 1.3,
    maxInputTokens: MILLION,
  },
  { modelId: 'claude-opus-4.5', modelName: 'Claude Opus 4.5', rateMultiplier: 2.2, maxInputTokens: STANDARD },
  {
    modelId: 'claude-sonnet-4.5',
    modelName: 'Claude Sonnet 4.5',
    rateMultiplier: 1.3,
    maxInputTokens: STANDARD,
  },
  { modelId: 'claude-sonnet-4', modelName: 'Claude Sonnet 4', rateMultiplier: 1.3, maxInputTokens: STANDARD },
  {
    modelId: 'claude-haiku-4.5',
    modelName: 'Claude Haiku 4.5',
    rateMultiplier: 0.4,
    maxInputTokens: STANDARD,
  },
  { modelId: 'claude-opus-4.7', modelName: 'Claude Opus 4.7', rateMultiplier: 2.2, maxInputTokens: MILLION },
  { modelId: 'claude-opus-4.8', modelName: 'Claude Opus 4.8', rateMultiplier: 2.2, maxInputTokens: MILLION },
  { modelId: 'claude-sonnet-5', modelName: 'Claude Sonnet 5', rateMultiplier: 1.3, maxInputTokens: MILLION },
  { modelId: 'claude-opus-5', modelName: 'Claude Opus 5', rateMultiplier: 2.2, maxInputTokens: MILLION },
];

export const DEFAULT_MAX_OUTPUT_TOKENS = 64_000;

/** Opus is refused to FREE-tier accounts (§3.12). */
export function isOpusModel(modelId: string): boolean {
  return modelId.toLowerCase().includes('opus');
}

/** One entry of the ListAvailableModels answer, field names as the live API returns them (kirodotdev/Kiro#7333). */
function describeModel(model: SimModelSpec): Record<string, unknown> {
  return {
    modelId: model.modelId,
    modelName: model.modelName,
    description: model.description ?? `${model.modelName} (Kiro simulator)`,
    promptCaching: {
      maximumCacheCheckpointsPerRequest: 4,
      minimumTokensPerCacheCheckpoint: isOpusModel(model.modelId) ? 4096 : 1024,
      supportsPromptCaching: true,
    },
    rateMultiplier: model.rateMultiplier,
    // The live service spells it "Credit"; the meteringEvent unit is lower-case "credit".
    rateUnit: 'Credit',
    supportedInputTypes: ['TEXT', 'IMAGE'],
    tokenLimits: {
      maxInputTokens: model.maxInputTokens,
      maxOutputTokens: model.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    },
  };
}

/** An account's offered model: a catalog id, or a model of its own. */
export type SimModelChoice = string | SimModelSpec;

export class ModelCatalog {
  private readonly byId: Map<string, SimModelSpec>;

  constructor(readonly models: readonly SimModelSpec[] = DEFAULT_SIM_MODELS) {
    this.byId = new Map(models.map((model) => [model.modelId, model]));
  }

  /** Model ids are matched exactly, as the upstream does (dot notation only). */
  find(modelId: string): SimModelSpec | undefined {
    return this.byId.get(modelId);
  }

  /** `auto` when listed, otherwise the first model: what the upstream uses when modelId is omitted. */
  defaultModel(): SimModelSpec {
    return this.byId.get('auto') ?? this.models[0] ?? DEFAULT_SIM_MODELS[0]!;
  }

  /**
   * The models one account is offered: its own list when it has one, else the whole catalog. An id
   * the catalog does not know becomes a plain 200 000-token model.
   */
  forAccount(offered: readonly SimModelChoice[] | undefined): ModelCatalog {
    if (offered === undefined) return this;
    return new ModelCatalog(
      offered.map((choice) =>
        typeof choice === 'string'
          ? (this.find(choice) ?? {
              modelId: choice,
              modelName: choice,
              rateMultiplier: 1,
              maxInputTokens: STANDARD,
            })
          : choice,
      ),
    );
  }

  listResponse(): Record<string, unknown> {
    return {
      models: this.models.map(describeModel),
      defaultModel: describeModel(this.defaultModel()),
    };
  }
}
