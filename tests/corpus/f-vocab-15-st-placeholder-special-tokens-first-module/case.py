"""Find near-duplicate marketplace listings with a sentence-transformers encoder.

Prices and sizes vary between copies of the same listing, so they are replaced by placeholder tokens first.
"""
import os
import re
import tempfile

import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

LISTINGS = [
    "vintage oak desk with two drawers 120 eur",
    "oak desk vintage two drawers only 95 eur",
    "kids bike blue 16 inch wheels barely used",
    "blue kids bike with 14 inch wheels",
    "leather sofa three seats brown 300 eur",
    "garden chairs set of four white",
]
PLACEHOLDERS = {"price": "[PRICE]", "size": "[SIZE]"}


def save_base_model(folder):
    words = sorted({w for text in LISTINGS for w in text.split() if not w.isdigit()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


class ListingMatcher:
    def __init__(self, model_dir, threshold=0.9):
        word_emb = models.Transformer(model_dir, max_seq_length=32)
        pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
        self.st_model = SentenceTransformer(modules=[word_emb, pooling], device="cpu")
        self.threshold = threshold
        self._register_placeholders()

    def _register_placeholders(self):
        n = self.st_model._first_module().tokenizer.add_special_tokens(
            {"additional_special_tokens": list(PLACEHOLDERS.values())})
        print(f"registered {n} placeholders, vocab now {len(self.st_model.tokenizer)}")

    @staticmethod
    def normalise(text):
        text = re.sub(r"\b\d+ eur\b", PLACEHOLDERS["price"], text)
        return re.sub(r"\b\d+ inch\b", PLACEHOLDERS["size"], text)

    def duplicates(self, listings):
        cleaned = [self.normalise(t) for t in listings]
        emb = self.st_model.encode(cleaned, batch_size=4, convert_to_tensor=True, normalize_embeddings=True)
        sims = emb @ emb.T
        pairs = []
        for i in range(len(listings)):
            for j in range(i + 1, len(listings)):
                if sims[i, j] >= self.threshold:
                    pairs.append((i, j, round(sims[i, j].item(), 3)))
        return pairs


folder = tempfile.mkdtemp()
save_base_model(folder)
matcher = ListingMatcher(folder)
for i, j, score in matcher.duplicates(LISTINGS):
    print(f"{score}: {LISTINGS[i]!r} ~ {LISTINGS[j]!r}")
