/** The model name the engine answers to, and the label the UI shows for it. */
export const ENGINE_MODEL_NAME = 'pocketsphinx-en-us';
export const ENGINE_LABEL = 'Offline engine — basic accuracy, English';
