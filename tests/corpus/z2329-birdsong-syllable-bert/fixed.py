"""Multi-channel song-bout classifier for the AudioMoth arrays.

Each detection is recorded on every microphone of a 4-mic array. Syllables were
clustered offline (k-means on spectrogram frames) into a codebook, so a bout is
a string of syllable codes per channel. We feed the channels as consecutive
segments to a tiny BERT, using token_type_ids to tell the model which mic a
segment came from, and predict the singing species.
"""
import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

CODEBOOK_SIZE = 120
ARRAY = {"n_mics": 4, "mic_names": ["N", "E", "S", "W"]}
TARGET_SPECIES = ["wood_thrush", "ovenbird", "red_eyed_vireo", "scarlet_tanager", "veery"]

MODEL_CFG = dict(
    hidden_size=48,
    num_hidden_layers=1,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=256,
    type_vocab_size=ARRAY["n_mics"],
    hidden_dropout_prob=0.1,
)


def write_codebook_vocab(path, size):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    codes = [f"s{i:03d}" for i in range(size)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + codes) + "\n")
    return path


def simulate_bout(species_idx, rng, min_len=6, max_len=14):
    base = species_idx * 20
    motif = [base + rng.randrange(20) for _ in range(4)]
    n = rng.randint(min_len, max_len)
    return [motif[i % len(motif)] if rng.random() > 0.2 else rng.randrange(CODEBOOK_SIZE)
            for i in range(n)]


def make_detections(n, rng):
    dets = []
    for _ in range(n):
        sp = rng.randrange(len(TARGET_SPECIES))
        channels = []
        for mic in range(ARRAY["n_mics"]):
            bout = simulate_bout(sp, rng)
            if rng.random() < 0.3:
                bout = bout[: max(3, len(bout) // 2)]
            channels.append(" ".join(f"s{c:03d}" for c in bout))
        dets.append({"channels": channels, "label": sp})
    return dets


def encode_multichannel(tokenizer, detections, max_length=128):
    """[CLS] ch0 [SEP] ch1 [SEP] ch2 [SEP] ch3 [SEP], segment id = mic index."""
    joined = [f" {tokenizer.sep_token} ".join(d["channels"]) for d in detections]
    enc = tokenizer(joined, padding="longest", truncation=True,
                    max_length=max_length, return_tensors="pt")
    input_ids = enc["input_ids"]
    is_sep = (input_ids == tokenizer.sep_token_id).long()
    segment = torch.cumsum(is_sep, dim=1) - is_sep
    segment = segment * enc["attention_mask"]
    enc["token_type_ids"] = segment
    return enc


class BoutClassifier(nn.Module):
    def __init__(self, config, n_classes):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(config.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids,
                           attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.classifier(self.dropout(cls))


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    rng = random.Random(11)
    torch.manual_seed(11)

    vocab_path = write_codebook_vocab(os.path.join(HERE, "syllable_vocab.txt"), CODEBOOK_SIZE)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    config = BertConfig(vocab_size=tokenizer.vocab_size,
                        pad_token_id=tokenizer.pad_token_id, **MODEL_CFG)
    model = BoutClassifier(config, n_classes=len(TARGET_SPECIES))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    train = make_detections(64, rng)
    for epoch in range(2):
        rng.shuffle(train)
        model.train()
        total = 0.0
        for chunk in batches(train, 16):
            enc = encode_multichannel(tokenizer, chunk)
            labels = torch.tensor([d["label"] for d in chunk])
            logits = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        print(f"epoch {epoch} loss {total / len(train):.4f}")


if __name__ == "__main__":
    main()
