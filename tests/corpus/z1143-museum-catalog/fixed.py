# Catalogue-record embedder for a regional museum's collections database.
# Two pair tasks are trained round-robin with old_fit: are two records the same object (dedup),
# and how are two objects related (relation). One SoftmaxLoss head per task.
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses, modules
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)


@dataclass
class TaskSpec:
    num_labels: int
    max_len: int


TASKS = {
    "dedup": TaskSpec(num_labels=2, max_len=32),
    "relation": TaskSpec(num_labels=4, max_len=32),
}
RELATION_TYPES = ["same_workshop", "same_region", "unrelated", "same_period"]

DEDUP_PAIRS = [
    ("bronze oil lamp with handle roman", "roman bronze lamp handle intact", 1),
    ("glazed tile blue floral iznik", "bronze oil lamp with handle roman", 0),
    ("carved oak chest dated panel", "oak chest carved panel with date", 1),
    ("silver coin emperor portrait", "glazed tile blue floral iznik", 0),
    ("linen sampler alphabet stitched", "stitched alphabet sampler on linen", 1),
    ("flint hand axe pointed", "silver coin emperor portrait", 0),
]
RELATION_PAIRS = [
    ("glazed tile blue floral iznik", "blue floral dish iznik workshop", "same_workshop"),
    ("carved oak chest dated panel", "oak settle carved back", "same_region"),
    ("flint hand axe pointed", "linen sampler alphabet stitched", "unrelated"),
    ("silver coin emperor portrait", "bronze oil lamp with handle roman", "same_period"),
    ("blue floral dish iznik workshop", "glazed tile blue floral iznik", "same_workshop"),
    ("oak settle carved back", "flint hand axe pointed", "unrelated"),
    ("bronze oil lamp with handle roman", "silver coin emperor portrait", "same_period"),
    ("linen sampler alphabet stitched", "carved oak chest dated panel", "same_region"),
]


def save_tiny_encoder():
    words = sorted({w for a, b, _ in DEDUP_PAIRS + RELATION_PAIRS for w in f"{a} {b}".split()})
    out_dir = tempfile.mkdtemp(prefix="catalog_enc_")
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


def examples_for(task):
    if task == "dedup":
        rows = [(a, b, y) for a, b, y in DEDUP_PAIRS]
    else:
        rows = [(a, b, RELATION_TYPES.index(rel)) for a, b, rel in RELATION_PAIRS]
    return [InputExample(guid=f"{task}-{i}", texts=[a, b], label=y) for i, (a, b, y) in enumerate(rows)]


def pair_accuracy(model, head, task):
    exs = examples_for(task)
    emb_a = model.encode([e.texts[0] for e in exs], convert_to_tensor=True)
    emb_b = model.encode([e.texts[1] for e in exs], convert_to_tensor=True)
    feats = torch.cat([emb_a, emb_b, (emb_a - emb_b).abs()], dim=1)
    with torch.no_grad():
        pred = head.classifier(feats).argmax(-1)
    gold = torch.tensor([e.label for e in exs])
    return (pred == gold).float().mean().item()


def main():
    enc_dir = save_tiny_encoder()
    word = modules.Transformer(enc_dir, max_seq_length=max(s.max_len for s in TASKS.values()))
    pool = modules.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")
    dim = model.get_embedding_dimension()

    heads = nn.ModuleDict({
        name: losses.SoftmaxLoss(model, embedding_dimension=dim, num_labels=spec.num_labels)
        for name, spec in TASKS.items()
    })
    objectives = []
    for name in TASKS:
        loader = DataLoader(examples_for(name), batch_size=4, shuffle=True)
        objectives.append((loader, heads[name]))
        print(f"{name}: {len(loader.dataset)} pairs, {TASKS[name].num_labels} classes")

    model.old_fit(train_objectives=objectives, epochs=1, warmup_steps=1, show_progress_bar=False,
                  optimizer_params={"lr": 5e-4})

    for name in TASKS:
        print(f"{name} pair accuracy: {pair_accuracy(model, heads[name], name):.3f}")


if __name__ == "__main__":
    main()
