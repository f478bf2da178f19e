"""Embed transcribed herbarium sheet labels so near-duplicate specimens can be found across collections."""
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class Container:
    def __init__(self):
        self._factories = {}
        self._made = {}

    def register(self, name, factory):
        self._factories[name] = factory

    def resolve(self, name):
        if name not in self._made:
            self._made[name] = self._factories[name](self)
        return self._made[name]


LABEL_PAIRS = [
    ("quercus robur leg. smith det. jones hedge bank", "quercus robur hedge bank collected smith", 0.9),
    ("salix caprea ssp. sphacelata wet flush", "salix caprea ssp. sphacelata flush", 0.95),
    ("carex flacca chalk grassland leg. brown", "quercus robur hedge bank collected smith", 0.1),
    ("viola riviniana var. minor woodland ride", "viola riviniana woodland ride", 0.85),
    ("salix caprea ssp. sphacelata wet flush", "carex flacca chalk grassland", 0.05),
    ("carex flacca chalk grassland leg. brown", "carex flacca grassland collected brown", 0.9),
    ("viola riviniana var. minor woodland ride", "salix caprea flush", 0.1),
    ("quercus robur leg. smith det. jones hedge bank", "viola riviniana woodland", 0.05),
]
# collector / rank abbreviations we want kept whole
ABBREVIATIONS = ["leg.", "det.", "ssp.", "var."]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(c):
    words = set()
    for a, b, _ in c.resolve("pairs"):
        words.update(w for w in (a + " " + b).split() if w not in ABBREVIATIONS)
    path = os.path.join(c.resolve("workdir"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + sorted(words)) + "\n")
    return path


def count_lines(path):
    with open(path) as fh:
        return sum(1 for line in fh if line.strip())


def build_tokenizer(c):
    tok = BertTokenizer(c.resolve("vocab_path"))
    added = tok.add_tokens(ABBREVIATIONS)
    print(f"tokenizer: {added} abbreviations added")
    return tok


def save_backbone(c):
    out = os.path.join(c.resolve("workdir"), "backbone")
    BertModel(c.resolve("bert_config")).save_pretrained(out)
    c.resolve("tokenizer").save_pretrained(out)
    return out


def build_encoder(c):
    word = models.Transformer(c.resolve("backbone_dir"), max_seq_length=64)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def registrations():
    c = Container()
    c.register("workdir", lambda c: tempfile.mkdtemp(prefix="herbarium_"))
    c.register("pairs", lambda c: LABEL_PAIRS)
    c.register("vocab_path", write_vocab)
    c.register("vocab_size", lambda c: count_lines(c.resolve("vocab_path")))
    c.register("tokenizer", build_tokenizer)
    c.register("bert_config", lambda c: BertConfig(
        vocab_size=c.resolve("vocab_size"), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    c.register("backbone_dir", save_backbone)
    c.register("encoder", build_encoder)
    return c


def examples(pairs):
    for left, right, score in pairs:
        yield InputExample(texts=[left, right], label=float(score))


def main():
    random.seed(5)
    torch.manual_seed(5)
    c = registrations()
    encoder = c.resolve("encoder")
    train = list(examples(c.resolve("pairs")))
    loader = DataLoader(train, batch_size=4, shuffle=True)
    loss = losses.CosineSimilarityLoss(encoder)
    print(f"training on {len(train)} label pairs")
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=0,
                    show_progress_bar=False)

    queries = ["salix caprea ssp. sphacelata", "carex flacca leg. brown"]
    emb = encoder.encode(queries, convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0).item()
    print(f"cosine between unrelated sheets: {sim:.3f}")


if __name__ == "__main__":
    main()
