# Train a tiny sentence encoder that matches amateur stargazing log entries to
# catalogue descriptions (cosine similarity objective, sentence-transformers).
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class AttrDict(dict):
    def __getattr__(self, item):
        try:
            return self[item]
        except KeyError:
            raise AttributeError(item) from None

    def __setattr__(self, item, value):
        self[item] = value


DEFAULT_TREE = {
    "model": {"vocab_size": 64, "dim": 32, "layers": 1, "heads": 2, "ffn": 64, "pooling": "mean"},
    "data": {"max_seq": 40},
    "fit": {"epochs": 1, "batch_size": 4, "lr": 1e-3, "warmup": 0, "seed": 3},
}
RUN_OVERRIDES = ["model.dim=48", "fit.batch_size=3", "fit.lr=0.0005", "data.max_seq=32"]


def cast_value(text):
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def merged_settings(defaults, overrides):
    def merge(a, b):
        result = {}
        for key in set(a) | set(b):
            if key in a and key in b and isinstance(a[key], dict) and isinstance(b[key], dict):
                result[key] = merge(a[key], b[key])
            else:
                result[key] = b.get(key, a.get(key))
        return AttrDict(result)

    patch = {}
    for spec in overrides:
        lhs, rhs = spec.split("=", 1)
        *branch, leaf = lhs.split(".")
        node = patch
        for name in branch:
            node = node.setdefault(name, {})
        node[leaf] = cast_value(rhs)
    return merge(defaults, patch)


PAIRS = [
    ("faint smudge near the bright star in the hunter belt", "great nebula in orion emission region", 0.9),
    ("fuzzy round glow south of andromeda", "andromeda galaxy spiral neighbour", 0.8),
    ("tight cluster of blue stars like a little dipper", "pleiades open cluster in taurus", 0.95),
    ("ringed planet low in the east after midnight", "saturn gas giant with rings", 0.9),
    ("reddish dot steady not twinkling", "mars fourth planet", 0.7),
    ("tight cluster of blue stars like a little dipper", "saturn gas giant with rings", 0.05),
    ("faint smudge near the bright star in the hunter belt", "mars fourth planet", 0.1),
    ("double star split at high magnification golden and blue", "albireo colourful double in cygnus", 0.85),
    ("globular ball of stars in hercules keystone", "great globular cluster m13", 0.9),
]


def sample_stream(pairs, seed):
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    for i in order:
        log_line, catalogue, score = pairs[i]
        yield InputExample(texts=[log_line, catalogue], label=float(score))


def build_backbone(cfg, workdir):
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    bert = BertModel(BertConfig(
        vocab_size=cfg.model.vocab_size, hidden_size=cfg.model.dim,
        num_hidden_layers=cfg.model.layers, num_attention_heads=cfg.model.heads,
        intermediate_size=cfg.model.ffn, max_position_embeddings=128))
    bert.save_pretrained(workdir)
    tokenizer.save_pretrained(workdir)
    print(f"saved backbone to {workdir} ({len(words)} corpus words)")
    return workdir


def main():
    cfg = merged_settings(DEFAULT_TREE, RUN_OVERRIDES)
    torch.manual_seed(cfg.fit.seed)
    random.seed(cfg.fit.seed)
    print("settings ->", dict(cfg))

    backbone_dir = build_backbone(cfg, tempfile.mkdtemp(prefix="stargaze_"))
    word_module = models.Transformer(backbone_dir, max_seq_length=cfg.data.max_seq)
    pool_module = models.Pooling(word_module.get_embedding_dimension(), pooling_mode=cfg.model.pooling)
    encoder = SentenceTransformer(modules=[word_module, pool_module], device="cpu")

    examples = list(sample_stream(PAIRS, cfg.fit.seed))
    loader = DataLoader(examples, batch_size=cfg.fit.batch_size, shuffle=False)
    objective = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=cfg.fit.epochs,
        warmup_steps=cfg.fit.warmup,
        optimizer_params={"lr": cfg.fit.lr},
        show_progress_bar=False,
    )

    probe = encoder.encode(["fuzzy round glow south of andromeda", "andromeda galaxy spiral neighbour"],
                           convert_to_tensor=True)
    print("probe cosine:", torch.nn.functional.cosine_similarity(probe[0], probe[1], dim=0).item())


if __name__ == "__main__":
    main()
