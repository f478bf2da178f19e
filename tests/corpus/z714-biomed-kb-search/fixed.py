"""Fine-tune a small bi-encoder to find the right biomedical-engineering KB article for a work order.

Work orders come from the CMMS; the KB export is keyed by article number.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

KB = {
    4101: "infusion pump occlusion alarm downstream check tubing clamp and pressure sensor",
    4102: "defibrillator self test fail replace battery pack and rerun test",
    4107: "patient monitor spo2 probe no signal check cable and probe type",
    4110: "ventilator flow sensor calibration fail replace flow sensor",
    4115: "ultrasound probe crystal dropout image lines send probe for repair",
    4121: "suction regulator low vacuum check canister float and seals",
    4123: "ecg lead off alarm check electrodes and lead wires",
    4130: "autoclave door seal leak replace gasket and run bowie dick test",
}

WORK_ORDERS = [
    ("pump keeps alarming occlusion downstream", 4101),
    ("defib failed morning self test", 4102),
    ("spo2 no signal on bed 12 monitor", 4107),
    ("vent flow sensor cal error", 4110),
    ("lines across ultrasound image probe", 4115),
    ("weak suction on wall regulator", 4121),
    ("lead off alarm ecg telemetry", 4123),
    ("steam leaking around autoclave door", 4130),
]
HELD_OUT = [
    ("occlusion alarm on infusion pump", 4101),
    ("autoclave gasket leaking steam", 4130),
    ("monitor spo2 probe not reading", 4107),
    ("ventilator failed calibration flow", 4110),
]


def build_encoder(texts):
    tmp = tempfile.mkdtemp()
    words = sorted({w for t in texts for w in t.lower().split()})
    with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(tmp)
    tok.save_pretrained(tmp)
    word = models.Transformer(tmp, max_seq_length=48)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def mean_reciprocal_rank(model, queries, qrels, doc_ids, doc_texts):
    q_emb = model.encode(queries, convert_to_tensor=True, normalize_embeddings=True)
    d_emb = model.encode(doc_texts, convert_to_tensor=True, normalize_embeddings=True)
    scores = q_emb @ d_emb.T
    row_of = {art: row for row, art in enumerate(doc_ids)}
    gold = torch.tensor([row_of[qrels[q]] for q in queries]).unsqueeze(1)
    gold_scores = scores.gather(1, gold)
    ranks = (scores > gold_scores).sum(dim=1) + 1
    print(f"  corpus={len(doc_ids)} docs, queries={len(queries)}, ranks={ranks.tolist()}")
    return (1.0 / ranks.float()).mean().item()


def main():
    doc_ids = list(KB)
    doc_texts = [KB[d] for d in doc_ids]
    model = build_encoder(doc_texts + [q for q, _ in WORK_ORDERS + HELD_OUT])

    train = [InputExample(texts=[q, KB[art]]) for q, art in WORK_ORDERS] * 4
    loader = DataLoader(train, batch_size=8, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=3, warmup_steps=2,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    qrels = {q: art for q, art in HELD_OUT}
    mrr = mean_reciprocal_rank(model, [q for q, _ in HELD_OUT], qrels, doc_ids, doc_texts)
    print(f"held-out MRR@{len(doc_ids)}: {mrr:.3f}")


if __name__ == "__main__":
    main()
