"""Pairwise matcher for aircraft maintenance write-ups (pilot squawk vs. mechanic action).

Port of the R script (text2vec vocab_vectorizer + caret multinom) the reliability team
ran every month. Each pair of log entries is classed as same_fault / related /
unrelated; here a small sentence-transformers encoder + SoftmaxLoss does the job.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(3)
torch.manual_seed(3)

LEVELS = ["same_fault", "related", "unrelated"]

LOG_PAIRS = [
    ("no 2 engine oil pressure fluctuating in cruise", "replaced no 2 engine oil pressure transmitter", "same_fault"),
    ("left main gear tire worn to limits", "replaced left main gear tire", "same_fault"),
    ("cabin too warm on ground", "replaced pack temperature sensor", "related"),
    ("autopilot disconnects in turbulence", "cleaned lavatory smoke detector", "unrelated"),
    ("hydraulic quantity low indication", "serviced hydraulic reservoir found leak at pump", "same_fault"),
    ("weather radar display blank", "reset radar circuit breaker checked display", "related"),
    ("reading light inop row 12", "adjusted engine idle speed", "unrelated"),
    ("fuel quantity gauge erratic left wing", "replaced left wing fuel probe harness", "related"),
]


class LevelEncoder:
    """Does what factor() + as.integer() did in the R script."""

    def __init__(self, levels):
        self.levels = list(levels)
        self.code_of = {}

    def fit(self):
        code = 1
        for lvl in self.levels:
            self.code_of[lvl] = code
            code = code + 1
        return self

    def transform(self, values):
        out = []
        for v in values:
            out.append(self.code_of[v])
        return out


class PairVectorizer:
    """Builds the encoder + the vocab; the text2vec vectorizer lived here before."""

    def __init__(self, workdir, max_len=32):
        self.workdir = workdir
        self.max_len = max_len

    def fit(self, pairs):
        words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        for a, b, _ in pairs:
            for w in (a + " " + b).split():
                if w not in words:
                    words.append(w)
        model_dir = os.path.join(self.workdir, "tiny-squawk-bert")
        os.makedirs(model_dir, exist_ok=True)
        vocab_file = os.path.join(model_dir, "vocab.txt")
        with open(vocab_file, "w") as fh:
            fh.write("\n".join(words) + "\n")
        BertTokenizer(vocab_file).save_pretrained(model_dir)
        cfg = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        BertModel(cfg).save_pretrained(model_dir)
        self.model_dir = model_dir
        return self

    def transform(self, pairs, codes):
        examples = []
        for i in range(len(pairs)):
            examples.append(InputExample(texts=[pairs[i][0], pairs[i][1]], label=codes[i]))
        return examples


class PairEstimator:
    def __init__(self, vectorizer, n_levels):
        word_model = models.Transformer(vectorizer.model_dir, max_seq_length=vectorizer.max_len)
        pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
        self.encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")
        self.loss = losses.SoftmaxLoss(model=self.encoder,
                                       sentence_embedding_dimension=self.encoder.get_sentence_embedding_dimension(),
                                       num_labels=n_levels)

    def fit(self, examples, batch_size=4, epochs=1):
        loader = DataLoader(examples, shuffle=True, batch_size=batch_size)
        self.encoder.old_fit(train_objectives=[(loader, self.loss)], epochs=epochs,
                             warmup_steps=1, show_progress_bar=False)
        return self


def main():
    workdir = tempfile.mkdtemp()
    enc = LevelEncoder(LEVELS).fit()
    codes = enc.transform([p[2] for p in LOG_PAIRS])
    print("class codes:", codes)

    vec = PairVectorizer(workdir).fit(LOG_PAIRS)
    examples = vec.transform(LOG_PAIRS, codes)
    print(f"{len(examples)} training pairs")

    est = PairEstimator(vec, n_levels=len(LEVELS)).fit(examples, batch_size=4, epochs=1)
    emb = est.encoder.encode(["hydraulic leak at pump", "tire worn"], convert_to_tensor=True)
    print("embedding shape:", tuple(emb.shape))


if __name__ == "__main__":
    main()
