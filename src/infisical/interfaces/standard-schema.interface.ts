/**
 * The subset of the Standard Schema v1 specification (https://standardschema.dev) that the module uses, so that a
 * zod / valibot / arktype schema can describe the configuration without the module depending on any of them.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties a schema library puts on its schemas. */
  readonly '~standard': {
    /** The version of the specification: 1. */
    readonly version: 1;
    /** The library, e.g. `zod`. */
    readonly vendor: string;
    /** Validates a value: its output, or the issues found. */
    readonly validate: (
      value: unknown,
    ) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    /** Type-only: the schema's input and output types. */
    readonly types?:
      | {
          /** The type the schema accepts. */
          readonly input: Input;
          /** The type the schema produces. */
          readonly output: Output;
        }
      | undefined;
  };
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  /** What `validate` returns: the output, or the issues. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A valid value. */
  interface SuccessResult<Output> {
    /** The validated (and possibly transformed) value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }
  /** An invalid value. */
  interface FailureResult {
    /** What is wrong, one issue per problem. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One problem of an invalid value. */
  interface Issue {
    /** What is wrong. */
    readonly message: string;
    /** Where in the value: property keys, or segments with a key. */
    readonly path?: ReadonlyArray<
      | PropertyKey
      | {
          /** The property key of this segment. */
          readonly key: PropertyKey;
        }
    > | undefined;
  }
}
