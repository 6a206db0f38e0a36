/* Shared fixtures: a small corpus and a tiny LSTM trained on it once per process. */
#ifndef FIXTURES_H
#define FIXTURES_H

#include "rnn.h"

/* A repetitive text a tiny LSTM learns in a few hundred updates. */
extern const char fixture_text[];

/* The trained model and its vocabulary (owned by the fixture; do not destroy). NULL on failure,
 * after printing why. */
rnn_model* fixture_model(rnn_vocab** out_vocab);

/* The loss the fixture's training reached (nats per token). */
double fixture_final_loss(void);

#endif
