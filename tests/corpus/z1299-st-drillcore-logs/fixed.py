# Embed drill-core log lines so similar intervals can be retrieved across boreholes.
# Log lines carry bracketed field markers ([DEPTH], [LITH], [GRAIN]) that we keep as whole tokens.
import os
import random
import re
import tempfile
from types import SimpleNamespace

import numpy as np
import torch
import yaml
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SETTINGS = """
encoder_defaults: &enc
  vocab_size: 64
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 48

model:
  <<: *enc
  pooling: mean
  max_seq_length: ${model.max_position_embeddings}

data:
  markers: ["[DEPTH]", "[LITH]", "[GRAIN]"]

train:
  batch_size: 4
  epochs: 1
  warmup_steps: 0
  seed: 31
  save_to: ${run.name}-encoder
run:
  name: drillcore
"""


def build_settings(text):
    tree = yaml.safe_load(text)
    ref = re.compile(r"\$\{(\w+)\.(\w+)\}")

    def sub(node):
        if isinstance(node, dict):
            return SimpleNamespace(**{k: sub(v) for k, v in node.items()})
        if isinstance(node, list):
            return [sub(v) for v in node]
        if isinstance(node, str):
            full = ref.fullmatch(node)
            if full:
                return tree[full.group(1)][full.group(2)]
            return ref.sub(lambda m: str(tree[m.group(1)][m.group(2)]), node)
        return node

    return sub(tree)


PAIRS = [
    ("[DEPTH] 12 m [LITH] sandstone [GRAIN] fine", "[DEPTH] 14 m [LITH] sandstone [GRAIN] fine", 0.9),
    ("[DEPTH] 30 m [LITH] shale [GRAIN] clay", "[DEPTH] 31 m [LITH] mudstone [GRAIN] clay", 0.8),
    ("[DEPTH] 45 m [LITH] limestone [GRAIN] coarse", "[DEPTH] 12 m [LITH] sandstone [GRAIN] fine", 0.1),
    ("[DEPTH] 52 m [LITH] granite [GRAIN] coarse", "[DEPTH] 55 m [LITH] granite [GRAIN] coarse", 0.95),
    ("[DEPTH] 8 m [LITH] gravel [GRAIN] coarse", "[DEPTH] 30 m [LITH] shale [GRAIN] clay", 0.05),
    ("[DEPTH] 20 m [LITH] siltstone [GRAIN] medium", "[DEPTH] 22 m [LITH] sandstone [GRAIN] medium", 0.6),
]


def write_tiny_encoder(cfg, folder):
    """Write vocab + a randomly initialised BERT so models.Transformer can load it."""
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split() if not w.startswith("[")})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    if len(vocab) > cfg.vocab_size:
        raise ValueError(f"corpus needs {len(vocab)} tokens, vocab_size is {cfg.vocab_size}")
    vocab += [f"[unused{i}]" for i in range(cfg.vocab_size - len(vocab))]
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden_size,
                         num_hidden_layers=cfg.num_hidden_layers,
                         num_attention_heads=cfg.num_attention_heads,
                         intermediate_size=cfg.intermediate_size,
                         max_position_embeddings=cfg.max_position_embeddings)).save_pretrained(folder)
    return folder


def main():
    cfg = build_settings(SETTINGS)
    random.seed(cfg.train.seed)
    np.random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)

    src = write_tiny_encoder(cfg.model, tempfile.mkdtemp())
    word_layer = models.Transformer(src, max_seq_length=cfg.model.max_seq_length)
    added = word_layer.tokenizer.add_tokens(cfg.data.markers, special_tokens=True)
    word_layer.auto_model.resize_token_embeddings(len(word_layer.tokenizer))
    print(f"added {added} marker tokens, tokenizer now has {len(word_layer.tokenizer)} entries")

    pool = models.Pooling(word_layer.get_embedding_dimension(), pooling_mode=cfg.model.pooling)
    encoder = SentenceTransformer(modules=[word_layer, pool], device="cpu")

    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=cfg.train.batch_size)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, objective)], epochs=cfg.train.epochs,
                    warmup_steps=cfg.train.warmup_steps, show_progress_bar=False)

    probe = encoder.encode(["[DEPTH] 13 m [LITH] sandstone [GRAIN] fine",
                            "[DEPTH] 53 m [LITH] granite [GRAIN] coarse"], convert_to_tensor=True)
    print("probe cosine:", torch.nn.functional.cosine_similarity(probe[0], probe[1], dim=0).item())
    out_dir = os.path.join(tempfile.mkdtemp(), cfg.train.save_to)
    encoder.save(out_dir)
    print("saved to", out_dir)


if __name__ == "__main__":
    main()
