"""Extractive summaries of bridge inspection reports with a small sentence-transformers encoder.

Pipeline: adapt the encoder briefly on inspector paraphrase pairs, embed every report sentence in
one batch, keep the sentences that mention a defect term, and per report pick the flagged sentences
closest to the report centroid as the summary.
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

REPORTS = {
    "BR-117 river span": [
        "the deck surface was swept before the inspection",
        "spalling was found on the north abutment cap",
        "bearings move freely under thermal load",
        "exposed rebar shows corrosion near the drain outlet",
        "traffic control was provided by the county",
    ],
    "BR-204 rail overpass": [
        "access was by snooper truck from the east side",
        "a fatigue crack was found at the cover plate weld",
        "paint is in fair condition on the girders",
        "section loss was measured on the bottom flange",
        "the expansion joint seal is torn and leaking",
        "no change in the approach slab since last cycle",
    ],
    "BR-309 culvert": [
        "water depth at the inlet was about thirty centimetres",
        "scour was found below the outlet apron",
        "the headwall shows minor cracking",
        "embankment vegetation was cut last spring",
    ],
}

DEFECT_TERMS = ("spalling", "corrosion", "crack", "cracking", "section loss", "scour", "leaking")

PARAPHRASES = [
    ("spalling was found on the abutment", "concrete spalled at the abutment"),
    ("a crack was found at the weld", "the weld has a fatigue crack"),
    ("scour below the apron", "the apron is undermined by scour"),
    ("rebar shows corrosion", "the reinforcement is corroded"),
]


def build_encoder():
    words = sorted({w for sents in REPORTS.values() for s in sents for w in s.split()}
                   | {w for pair in PARAPHRASES for s in pair for w in s.split()})
    model_dir = tempfile.mkdtemp(prefix="inspect_enc_")
    with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    word_model = models.Transformer(model_dir, max_seq_length=48)
    pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def adapt(encoder):
    examples = [InputExample(texts=[a, b]) for a, b in PARAPHRASES]
    loader = DataLoader(examples, shuffle=True, batch_size=2)
    loss = losses.MultipleNegativesRankingLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=0,
                    show_progress_bar=False)


def flatten(reports):
    names, sentences, owner = [], [], []
    for doc_idx, (name, sents) in enumerate(reports.items()):
        names.append(name)
        sentences.extend(sents)
        owner.extend([doc_idx] * len(sents))
    return names, sentences, owner


def flag_defects(sentences):
    return [i for i, s in enumerate(sentences) if any(term in s for term in DEFECT_TERMS)]


def summarise(encoder, reports, per_report=2):
    names, sentences, owner = flatten(reports)
    print(f"{len(names)} reports, {len(sentences)} sentences")
    emb = encoder.encode(sentences, convert_to_tensor=True, normalize_embeddings=True)
    flagged = flag_defects(sentences)
    print(f"{len(flagged)} sentences mention a defect term")

    # regroup the flat embedding matrix into one block per report
    counts = [len(reports[n]) for n in names]
    blocks = torch.split(emb, counts)
    starts = [sum(counts[:k]) for k in range(len(counts))]

    summaries = {}
    for doc_idx, (name, block) in enumerate(zip(names, blocks)):
        picks = torch.tensor([i for i in flagged if owner[i] == doc_idx], dtype=torch.long)
        if picks.numel() == 0:
            summaries[name] = []
            continue
        centroid = torch.nn.functional.normalize(block.mean(0), dim=0)
        cand = torch.index_select(block, 0, picks - starts[doc_idx])
        scores = cand @ centroid
        order = scores.argsort(descending=True)[:per_report]
        summaries[name] = [sentences[picks[j]] for j in order.tolist()]
    return summaries


def main():
    encoder = build_encoder()
    adapt(encoder)
    for name, lines in summarise(encoder, REPORTS).items():
        print(f"== {name}")
        for line in lines:
            print(f"   - {line}")


if __name__ == "__main__":
    main()
