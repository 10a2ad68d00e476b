/** The lines of a streamed UTF-8 body as they arrive, without their newlines; a last line without one too. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    yield* lines;
  }
  buffered += decoder.decode();
  if (buffered !== '') yield buffered;
}
