/** An answer that is not what Infisical sends (a field missing or of the wrong type); the whole answer is rejected. */
export class MalformedAnswerError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'MalformedAnswerError';
  }
}
