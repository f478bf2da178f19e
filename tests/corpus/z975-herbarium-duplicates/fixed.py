"""Train a small sentence encoder to spot duplicate herbarium sheet records across
two digitisation batches (same specimen, transcribed twice by different volunteers).
"""
import os
import random
import re
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(5)
torch.manual_seed(5)

data = {
    "record_a": [
        "quercus robur collected on chalk downland south facing slope in mixed hedgerow with hawthorn and field maple "
        "leaves lobed acorns on long stalks collector notes galls present on several twigs and bark deeply fissured",
        "fagus sylvatica beech hanger on steep escarpment",
        "orchis mascula early purple orchid in ancient woodland ride",
        "drosera rotundifolia round leaved sundew on wet acid heath among sphagnum moss with bog asphodel and cross "
        "leaved heath plants small rosettes with red glandular hairs collected from the northern edge of the mire",
        "taxus baccata yew in churchyard",
        "primula veris cowslip on road verge chalk soil",
    ],
    "record_b": [
        "quercus robur on chalk downland slope hedgerow with hawthorn and maple acorns on long stalks galls on twigs "
        "bark fissured collected south facing",
        "fagus sylvatica hanger on escarpment",
        "primula veris cowslip roadside verge on chalk",
        "drosera rotundifolia sundew wet heath with sphagnum and bog asphodel red glandular hairs rosettes from the "
        "northern mire edge",
        "taxus baccata old yew churchyard",
        "orchis mascula early purple orchid woodland",
    ],
    "same_specimen": [1, 1, 0, 1, 1, 0],
}


def write_vocab(folder):
    texts = data["record_a"] + data["record_b"]
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def save_checkpoint(folder):
    tok = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return tok


def summarise_lengths(data, tok):
    def count(col):
        return [len(tok.tokenize(t)) for t in data[col]]
    n = count("record_a") + count("record_b")
    return {"min": min(n), "max": max(n), "median": sorted(n)[(len(n) + 1) // 2 - 1]}


def pair_examples(data):
    for i in range(1, len(data["record_a"]) + 1):
        yield InputExample(texts=[data["record_a"][i - 1], data["record_b"][i - 1]],
                           label=float(data["same_specimen"][i - 1]))


def build_encoder(folder, seq_len):
    word = models.Transformer(folder, max_seq_length=seq_len)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    folder = tempfile.mkdtemp()
    tok = save_checkpoint(folder)

    stats = summarise_lengths(data, tok)
    print(f"record lengths in word pieces: min={stats['min']} median={stats['median']} max={stats['max']}")
    seq_len = min(stats["max"] + 2, BertConfig.from_pretrained(folder).max_position_embeddings)

    encoder = build_encoder(folder, seq_len)
    print(f"encoder max_seq_length = {encoder.max_seq_length}")

    train_examples = list(pair_examples(data))
    loader = DataLoader(train_examples, batch_size=3, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss_fn)], epochs=2, warmup_steps=1,
                    show_progress_bar=False)

    emb = encoder.encode([data["record_a"][0], data["record_b"][0]], convert_to_tensor=True)
    print(f"cosine for first pair after training: {torch.cosine_similarity(emb[0], emb[1], dim=0).item():.3f}")


if __name__ == "__main__":
    main()
