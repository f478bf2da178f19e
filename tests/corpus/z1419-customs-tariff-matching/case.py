"""Match free-text shipment manifest lines to customs tariff headings.

A tiny BERT encoder is wrapped as a SentenceTransformer and trained with SoftmaxLoss on
(manifest line, heading description) pairs labelled exact / related / unrelated.
"""
import csv
import json
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(5)
torch.manual_seed(5)

CATALOGUE = {
    "0901": "coffee whether or not roasted or decaffeinated coffee husks and skins coffee substitutes "
            "containing coffee in any proportion including green beans and roasted ground beans for retail sale",
    "6109": "t shirts singlets and other vests knitted or crocheted of cotton or of man made fibres "
            "including printed dyed and bleached garments for men women and children packed for retail sale",
    "8471": "automatic data processing machines and units thereof magnetic or optical readers machines "
            "for transcribing data onto data media in coded form including laptops tablets and desktop units",
    "9503": "tricycles scooters pedal cars and similar wheeled toys dolls carriages dolls other toys "
            "reduced size models and similar recreational models working or not puzzles of all kinds",
}
TRAIN_PAIRS = [
    ("roasted arabica beans 20 bags", "0901", "exact"),
    ("cotton t shirts printed assorted sizes", "6109", "exact"),
    ("laptops 14 inch with chargers", "8471", "exact"),
    ("plastic toy scooters for children", "9503", "exact"),
    ("green coffee beans unroasted", "6109", "unrelated"),
    ("tablets with keyboard covers", "9503", "related"),
    ("knitted vests for men", "0901", "unrelated"),
    ("wooden puzzles and dolls", "8471", "unrelated"),
]
DEV_LINES = ["ground coffee retail packs", "desktop units and optical readers"]


def write_inputs(folder):
    with open(os.path.join(folder, "catalogue.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["heading", "description"])
        w.writerows(CATALOGUE.items())
    with open(os.path.join(folder, "train.jsonl"), "w") as fh:
        for line, heading, rel in TRAIN_PAIRS:
            fh.write(json.dumps({"manifest": line, "heading": heading, "relation": rel}) + "\n")
    with open(os.path.join(folder, "dev.jsonl"), "w") as fh:
        for line in DEV_LINES:
            fh.write(json.dumps({"manifest": line}) + "\n")


def read_jsonl(path):
    with open(path) as fh:
        return [json.loads(l) for l in fh if l.strip()]


def build_encoder(folder, texts):
    vocab = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    enc_dir = os.path.join(folder, "tiny-bert")
    BertModel(cfg).save_pretrained(enc_dir)
    tok.save_pretrained(enc_dir)
    return enc_dir, tok


def main():
    folder = tempfile.mkdtemp(prefix="tariff_")
    write_inputs(folder)
    with open(os.path.join(folder, "catalogue.csv"), newline="") as fh:
        headings = {r["heading"]: r["description"] for r in csv.DictReader(fh)}
    train = read_jsonl(os.path.join(folder, "train.jsonl"))
    dev = read_jsonl(os.path.join(folder, "dev.jsonl"))
    relations = sorted(set(r["relation"] for r in train))
    rel_id = {r: i for i, r in enumerate(relations)}

    all_text = list(headings.values()) + [r["manifest"] for r in train + dev]
    enc_dir, tok = build_encoder(folder, all_text)

    # long enough that no heading description gets cut off
    longest = max(len(tok.tokenize(d)) for d in headings.values()) + 2
    print(f"{len(headings)} headings, longest description {longest} tokens, relations={relations}")

    word_model = models.Transformer(enc_dir, max_seq_length=longest)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    st_model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    examples = [InputExample(texts=[r["manifest"], headings[r["heading"]]], label=rel_id[r["relation"]])
                for r in train]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    objective = losses.SoftmaxLoss(st_model, st_model.get_embedding_dimension(),
                                   num_labels=len(relations))
    st_model.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=1,
                     show_progress_bar=False)

    codes = sorted(headings)
    cat_emb = st_model.encode([headings[c] for c in codes], convert_to_tensor=True)
    for row in dev:
        q = st_model.encode(row["manifest"], convert_to_tensor=True)
        best = torch.nn.functional.cosine_similarity(q.unsqueeze(0), cat_emb).argmax().item()
        print(f"{row['manifest']!r} -> {codes[best]}")


if __name__ == "__main__":
    main()
