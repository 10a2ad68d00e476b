/**
 * The versioned envelope of every WebSocket frame between agent and coordinator: `{v, type, ...payload}`.
 * `v` is the protocol version; an agent whose version the coordinator does not speak is refused at hello.
 */
export const PROTOCOL_VERSION = 1;

/** Upper bound of one frame; larger frames are refused at the edge. */
export const MAX_FRAME_BYTES = 1024 * 1024;
