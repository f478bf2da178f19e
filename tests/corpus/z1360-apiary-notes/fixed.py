"""Sweep for a small bi-encoder that matches apiary inspection notes written by
different inspectors about the same colony condition."""
import itertools
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample
from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

torch.manual_seed(0)
random.seed(0)

NOTE_PAIRS = [
    ("queen seen laying eggs on frame four", "fresh eggs present queen spotted mid box"),
    ("capped brood pattern spotty and patchy", "brood is patchy with many empty cells"),
    ("varroa mites counted on sugar roll", "mite load high after sugar shake"),
    ("honey stores low before winter", "colony light on stores feed syrup"),
    ("swarm cells along bottom bars", "queen cups with larvae on frame edges"),
    ("chalkbrood mummies at entrance", "white chalky larvae dragged out"),
    ("colony calm and gentle on opening", "bees docile during inspection"),
    ("wax moth webbing in old comb", "moth larvae tunnels through brood comb"),
    ("drone laying queen suspected", "bullet shaped drone brood in worker cells"),
    ("pollen coming in strongly", "foragers returning with full pollen baskets"),
    ("robbing at the entrance observed", "fighting bees at entrance possible robbing"),
    ("supers added for the flow", "placed two honey supers for nectar flow"),
]
TRAIN_POS, DEV_POS = NOTE_PAIRS[:8], NOTE_PAIRS[8:]

GRID = {
    "neg_ratio": [1, 2],
    "pooling": ["mean", "cls"],
    "lr": [5e-4, 1e-3],
}
DEV_NEG_RATIO = 1


def write_tiny_encoder(root):
    words = sorted({w for a, b in NOTE_PAIRS for w in (a + " " + b).split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return root


def make_pairs(positives, neg_ratio, rng):
    """Each positive pair plus `neg_ratio` mismatched pairs drawn from other rows."""
    out = []
    for i, (a, b) in enumerate(positives):
        out.append(InputExample(texts=[a, b], label=1.0))
        others = [p[1] for j, p in enumerate(positives) if j != i]
        for other in rng.sample(others, neg_ratio):
            out.append(InputExample(texts=[a, other], label=0.0))
    return out


def score_pairs(model, examples):
    left = model.encode([ex.texts[0] for ex in examples], convert_to_tensor=True)
    right = model.encode([ex.texts[1] for ex in examples], convert_to_tensor=True)
    return F.cosine_similarity(left, right, dim=-1).cpu()


def run_one(model_dir, combo, dev_examples):
    rng = random.Random(13)
    encoder = Transformer(model_dir, max_seq_length=24)
    pool = Pooling(encoder.get_embedding_dimension(), pooling_mode=combo["pooling"])
    model = SentenceTransformer(modules=[encoder, pool], device="cpu")

    train_examples = make_pairs(TRAIN_POS, combo["neg_ratio"], rng)
    loader = DataLoader(train_examples, shuffle=True, batch_size=4)
    model.old_fit(train_objectives=[(loader, CosineSimilarityLoss(model))], epochs=1,
                  warmup_steps=2, optimizer_params={"lr": combo["lr"]}, show_progress_bar=False)

    sims = score_pairs(model, dev_examples)
    gold = torch.tensor([ex.label for ex in dev_examples])
    acc = ((sims > 0.5).float() == gold).float().mean().item()
    return {"acc": acc, "dev_scores": sims, "n_train": len(train_examples)}


def main():
    model_dir = write_tiny_encoder(tempfile.mkdtemp(prefix="apiary_"))
    keys = list(GRID)
    combos = [dict(zip(keys, vals)) for vals in itertools.product(*GRID.values())]
    print(f"{len(combos)} combinations")
    # one fixed dev set so every run is scored on the same pairs
    dev_examples = make_pairs(DEV_POS, DEV_NEG_RATIO, random.Random(29))

    results = []
    for run_id, combo in enumerate(combos):
        torch.manual_seed(run_id)
        out = run_one(model_dir, combo, dev_examples)
        # how far each run's similarities move from the reference run
        if results:
            ref = results[0]["dev_scores"]
            out["drift"] = (out["dev_scores"] - ref).abs().mean().item()
        else:
            out["drift"] = 0.0
        results.append({"run": run_id, **combo, **out})
        print(f"run {run_id} {combo} acc={out['acc']:.3f} drift={out['drift']:.4f}")

    print("\nrun  neg  pool  lr       n_train  acc    drift")
    for r in results:
        print(f"{r['run']:<4} {r['neg_ratio']:<4} {r['pooling']:<5} {r['lr']:<8g} "
              f"{r['n_train']:<8} {r['acc']:.3f}  {r['drift']:.4f}")


if __name__ == "__main__":
    main()
