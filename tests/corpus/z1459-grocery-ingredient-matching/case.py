# Matching recipe ingredient lines to grocery catalogue entries (bi-encoder, cosine score).
# Tiny random BERT saved locally -> sentence-transformers modules, driven by our own PairTrainer.
import random
import tempfile

import torch
import torch.nn.functional as F
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

TRAIN = [
    ("2 cups plain flour", "wheat flour all purpose 1kg", 1.0),
    ("1 tbsp olive oil", "extra virgin olive oil 500ml", 1.0),
    ("a pinch of sea salt", "fine sea salt 750g", 0.9),
    ("200g dark chocolate", "cocoa 70 percent bar 100g", 0.8),
    ("3 large eggs", "free range eggs dozen", 1.0),
    ("1 tbsp olive oil", "wheat flour all purpose 1kg", 0.0),
    ("3 large eggs", "fine sea salt 750g", 0.0),
    ("200g dark chocolate", "free range eggs dozen", 0.1),
]
HELD_OUT = [
    ("half cup whole milk", "whole milk 2 litre", 1.0),
    ("2 cloves garlic", "garlic bulbs net of 3", 1.0),
    ("knob of butter", "salted butter block 250g", 0.9),
    ("half cup whole milk", "garlic bulbs net of 3", 0.0),
    ("2 cloves garlic", "salted butter block 250g", 0.1),
    ("knob of butter", "whole milk 2 litre", 0.2),
    ("1 tsp sugar", "caster sugar 1kg", 1.0),
    ("1 tsp sugar", "fine sea salt 750g", 0.1),
    ("fresh basil leaves", "basil plant pot", 0.9),
    ("fresh basil leaves", "cocoa 70 percent bar 100g", 0.0),
]


def build_encoder(rows):
    folder = tempfile.mkdtemp()
    words = sorted({w for a, b, _ in rows for w in (a + " " + b).split()})
    with open(f"{folder}/vocab.txt", "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(f"{folder}/vocab.txt")
    bert = BertModel(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64,
                                max_position_embeddings=64))
    bert.save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


class Featurize:
    """Turns the raw text pair into model features (kept on the batch dict)."""

    def on_batch(self, trainer, batch):
        for side in ("left", "right"):
            batch[side + "_feats"] = trainer.model.tokenize(batch[side])


class ScoreLogger:
    def on_epoch_start(self, trainer, epoch):
        self.batch_scores, self.batch_gold = [], []

    def on_eval(self, trainer, batch, cos):
        self.batch_scores.append(cos.detach())
        self.batch_gold.append(batch["gold"])

    def on_epoch_end(self, trainer, epoch):
        pred = torch.stack(self.batch_scores)
        gold = torch.stack(self.batch_gold)
        mae = (pred - gold).abs().mean().item()
        print(f"epoch {epoch}: held-out MAE {mae:.3f}, mean cos {pred.mean().item():.3f}")


class PairTrainer:
    def __init__(self, model, callbacks, batch_size=4, lr=2e-4, epochs=2):
        self.model, self.callbacks = model, callbacks
        self.batch_size, self.epochs = batch_size, epochs
        self.optim = torch.optim.AdamW(model.parameters(), lr=lr)

    def call(self, hook, *args):
        for cb in self.callbacks:
            if hasattr(cb, hook):
                getattr(cb, hook)(self, *args)

    def iter_batches(self, rows, shuffle):
        order = list(rows)
        if shuffle:
            random.shuffle(order)
        for start in range(0, len(order), self.batch_size):
            part = order[start:start + self.batch_size]
            yield {"left": [p[0] for p in part], "right": [p[1] for p in part],
                   "gold": torch.tensor([p[2] for p in part])}

    def cosine(self, batch):
        emb_l = self.model(batch["left_feats"])["sentence_embedding"]
        emb_r = self.model(batch["right_feats"])["sentence_embedding"]
        return F.cosine_similarity(emb_l, emb_r)

    def fit(self, train_rows, eval_rows):
        for epoch in range(self.epochs):
            self.call("on_epoch_start", epoch)
            self.model.train()
            for batch in self.iter_batches(train_rows, shuffle=True):
                self.call("on_batch", batch)
                loss = F.mse_loss(self.cosine(batch), batch["gold"])
                loss.backward()
                self.optim.step()
                self.optim.zero_grad()
            self.model.eval()
            with torch.no_grad():
                for batch in self.iter_batches(eval_rows, shuffle=False):
                    self.call("on_batch", batch)
                    self.call("on_eval", batch, self.cosine(batch))
            self.call("on_epoch_end", epoch)


encoder = build_encoder(TRAIN + HELD_OUT)
trainer = PairTrainer(encoder, [Featurize(), ScoreLogger()])
trainer.fit(TRAIN, HELD_OUT)
print("saved nothing, smoke run ok")
