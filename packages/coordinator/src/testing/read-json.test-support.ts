/** Test support: a response's JSON body, typed by the caller (usually with the API's view types). */
export const readJson = <T>(response: Response): Promise<T> => response.json() as Promise<T>;
