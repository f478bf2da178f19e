"""Bi-encoder for the signalling rulebook search box.

Fine-tune a small BERT with in-batch negatives on (question, rule) pairs, then
report dev loss and recall@k over the rulebook index.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models, util

random.seed(3)
torch.manual_seed(3)

RULEBOOK = [
    {"pid": "R1.2", "text": "a driver must not pass a signal at danger without authority from the signaller", "superseded": False},
    {"pid": "R1.3", "text": "hand signals given by the guard may be used in place of a failed platform indicator", "superseded": True},
    {"pid": "R2.1", "text": "before entering a possession the engineering supervisor must confirm protection is in place", "superseded": False},
    {"pid": "R2.4", "text": "detonators are placed on the rail at the protection point and not removed until work is complete", "superseded": False},
    {"pid": "R3.1", "text": "a level crossing attendant must close the gates before giving the train permission to proceed", "superseded": True},
    {"pid": "R3.6", "text": "automatic half barrier crossings are tested by the technician after every barrier failure", "superseded": False},
    {"pid": "R4.2", "text": "speed is restricted to twenty miles per hour over points clipped out of use", "superseded": False},
    {"pid": "R4.7", "text": "a token must be obtained from the instrument before entering single line sections", "superseded": True},
    {"pid": "R5.1", "text": "train radio emergency calls take priority over all other radio traffic", "superseded": False},
    {"pid": "R5.3", "text": "the signaller must be told of any animal on the line before trains are allowed to proceed", "superseded": False},
    {"pid": "R6.2", "text": "lookout warnings are given by horn when a train approaches the work site", "superseded": False},
    {"pid": "R6.5", "text": "track circuit operating clips are applied to both rails to place a signal at danger", "superseded": False},
]

TRAIN_PAIRS = [
    ("can i pass a red signal", "a driver must not pass a signal at danger without authority from the signaller"),
    ("who confirms protection for a possession", "before entering a possession the engineering supervisor must confirm protection is in place"),
    ("when are detonators removed", "detonators are placed on the rail at the protection point and not removed until work is complete"),
    ("speed over clipped points", "speed is restricted to twenty miles per hour over points clipped out of use"),
    ("priority of emergency radio calls", "train radio emergency calls take priority over all other radio traffic"),
    ("how does a lookout warn staff", "lookout warnings are given by horn when a train approaches the work site"),
]

DEV_QUERIES = [
    {"q": "testing barriers after a failure", "gold": "R3.6"},
    {"q": "animal on the line what to do", "gold": "R5.3"},
    {"q": "how to put a signal to danger with clips", "gold": "R6.5"},
    {"q": "authority to pass signal at danger", "gold": "R1.2"},
]


def build_tiny_bert(workdir):
    words = sorted({w for p in RULEBOOK for w in p["text"].split()}
                   | {w for q, _ in TRAIN_PAIRS for w in q.split()}
                   | {w for d in DEV_QUERIES for w in d["q"].split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    return workdir


def index_positions(passages):
    return {p["pid"]: row for row, p in enumerate(passages)}


def evaluate(model, queries, passages, gold_rows, ks=(1, 3), temperature=0.05):
    q_emb = model.encode([d["q"] for d in queries], convert_to_tensor=True)
    p_emb = model.encode([p["text"] for p in passages], convert_to_tensor=True)
    scores = util.cos_sim(q_emb, p_emb)
    target = torch.tensor(gold_rows)
    dev_loss = F.cross_entropy(scores / temperature, target).item()
    ranked = scores.argsort(dim=1, descending=True)
    out = {"dev_loss": dev_loss}
    for k in ks:
        hits = (ranked[:, :k] == target.unsqueeze(1)).any(dim=1).float()
        out[f"recall@{k}"] = hits.mean().item()
    return out


def main():
    model_dir = build_tiny_bert(tempfile.mkdtemp(prefix="rulebook_bert_"))
    encoder = models.Transformer(model_dir, max_seq_length=48)
    pooling = models.Pooling(encoder.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[encoder, pooling], device="cpu")

    examples = [InputExample(texts=[q, p]) for q, p in TRAIN_PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=3)
    mnrl = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, mnrl)], epochs=2, warmup_steps=1, show_progress_bar=False,
                  optimizer_params={"lr": 5e-4})
    print("fine-tuning done")

    # superseded rules stay in the source file for audit but are not served
    live_rules = [p for p in RULEBOOK if not p["superseded"]]
    print(f"indexing {len(live_rules)} of {len(RULEBOOK)} rules")

    pid_row = index_positions(live_rules)
    gold_rows = [pid_row[d["gold"]] for d in DEV_QUERIES]

    metrics = evaluate(model, DEV_QUERIES, live_rules, gold_rows)
    for name, val in metrics.items():
        print(f"{name:>10}: {val:.3f}")


if __name__ == "__main__":
    main()
