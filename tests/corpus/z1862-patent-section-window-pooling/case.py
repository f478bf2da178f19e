"""Patent CPC-section classification from full claim sets.

Claim sets run well past the encoder's context, so each patent is split into
overlapping windows. Every window is classified, and a patent's score is the
token-weighted mean of its windows' logits (windows with more real tokens count
more). The document-level logits are trained with cross-entropy.
"""
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

SECTIONS = ["A-human-necessities", "B-operations", "C-chemistry", "G-physics", "H-electricity"]
SPAN = 40
OVERLAP = 12

PATENTS = [
    ("1 . A wound dressing comprising an absorbent layer a silicone adhesive layer and a release liner . "
     "2 . The wound dressing of claim 1 wherein the absorbent layer comprises a foam . 3 . The dressing "
     "of claim 2 wherein the foam is polyurethane . 4 . A method of treating a wound comprising applying "
     "the dressing of claim 1 to the skin of a patient and removing the release liner .", 0),
    ("1 . A battery cell comprising a cathode an anode and a solid electrolyte separating the cathode "
     "and the anode . 2 . The battery cell of claim 1 wherein the solid electrolyte is a sulfide . 3 . The "
     "battery cell of claim 1 further comprising a current collector . 4 . A battery pack comprising a "
     "plurality of battery cells of claim 1 connected in series and a cooling plate .", 4),
    ("1 . A method of polymerizing ethylene comprising contacting ethylene with a catalyst at a "
     "temperature between 60 and 120 degrees . 2 . The method of claim 1 wherein the catalyst is a "
     "metallocene . 3 . The method of claim 2 wherein the pressure is between 10 and 40 bar . 4 . A "
     "polymer obtained by the method of claim 1 having a density below 0 . 93 .", 2),
    ("1 . An optical sensor comprising a light source a lens and a photodiode array arranged to receive "
     "light reflected from a sample . 2 . The optical sensor of claim 1 wherein the light source is a "
     "laser diode . 3 . The sensor of claim 1 further comprising a processor configured to compute a "
     "distance from the photodiode signals . 4 . A vehicle comprising the optical sensor of claim 1 .", 3),
]


def claims_tokenizer(texts, tmp):
    toks = sorted({t for x in texts for t in re.findall(r"[a-z]+|\d+|[^\sa-z\d]", x.lower())})
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + toks) + "\n")
    return BertTokenizer(path)


def split_claims(tokenizer, claim_texts):
    batch = tokenizer(
        claim_texts,
        max_length=SPAN,
        stride=OVERLAP,
        truncation=True,
        padding="max_length",
        return_overflowing_tokens=True,
        return_tensors="pt",
    )
    owner = batch.pop("overflow_to_sample_mapping")
    real_tokens = batch["attention_mask"].sum(dim=1)
    window_meta = torch.stack([owner, real_tokens], dim=1).float()
    return batch, window_meta


def pool_windows(window_logits, window_meta, n_patents):
    patent_of_window = window_meta[:, 0]
    weight = window_meta[:, 1:2]
    summed = torch.zeros(n_patents, window_logits.size(1))
    summed = summed.index_add(0, patent_of_window, window_logits * weight)
    total = torch.zeros(n_patents, 1).index_add(0, patent_of_window, weight)
    return summed / total


def main():
    tmp = tempfile.mkdtemp(prefix="cpc_")
    texts = [t for t, _ in PATENTS]
    section_ids = torch.tensor([s for _, s in PATENTS])
    tokenizer = claims_tokenizer(texts, tmp)

    classifier = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=SPAN,
        num_labels=len(SECTIONS),
    ))
    optim = torch.optim.AdamW(classifier.parameters(), lr=5e-4)

    batch, window_meta = split_claims(tokenizer, texts)
    print(f"{len(texts)} patents -> {batch['input_ids'].size(0)} windows of {SPAN} tokens")

    classifier.train()
    for epoch in range(3):
        window_logits = classifier(**batch).logits
        patent_logits = pool_windows(window_logits, window_meta, len(texts))
        loss = F.cross_entropy(patent_logits, section_ids)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")

    classifier.eval()
    with torch.no_grad():
        patent_logits = pool_windows(classifier(**batch).logits, window_meta, len(texts))
    for (text, gold), pred in zip(PATENTS, patent_logits.argmax(-1).tolist()):
        print(f"{SECTIONS[gold]:22s} -> {SECTIONS[pred]:22s} | {text[:50]}...")


if __name__ == "__main__":
    main()
