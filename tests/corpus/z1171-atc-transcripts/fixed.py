"""Utterance intent tagging for air-traffic-control transcripts.

Tiny BERT encodes each transmission; a learned speaker embedding is added to the [CLS] vector
before the intent classifier. Training loop driven by Accelerate.
"""
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

MODELS, HEADS, COLLATORS = {}, {}, {}


def _register(table, name):
    def deco(obj):
        table[name] = obj
        return obj
    return deco


register_model = partial(_register, MODELS)
register_head = partial(_register, HEADS)
register_collator = partial(_register, COLLATORS)

CFG = {
    "model": {"type": "tiny_bert", "args": {"hidden": 32, "layers": 1, "heads": 2}},
    "head": {"type": "speaker_intent", "args": {"n_intents": 4, "n_speakers": None}},
    "collator": {"type": "turns", "args": {"max_length": 32}},
    "data": {"batch_size": 4, "epochs": 2},
}

INTENTS = ["clearance", "readback", "request", "report"]
DIALOGUES = [
    {"id": "EDDF-0412", "turns": [
        ("TWR", "lufthansa four alpha bravo line up and wait runway two five right", 0),
        ("DLH4AB", "line up and wait two five right lufthansa four alpha bravo", 1),
        ("DLH4AB", "request immediate departure ready", 2)]},
    {"id": "EDDF-0413", "turns": [
        ("BAW22", "speedbird two two request descent", 2),
        ("TWR", "speedbird two two descend flight level one two zero", 0),
        ("BAW22", "descend flight level one two zero speedbird two two", 1),
        ("RYR9PX", "ryanair nine papa xray passing four thousand", 3)]},
    {"id": "EDDF-0414", "turns": [
        ("EZY71K", "easy seven one kilo established localiser two five left", 3),
        ("TWR", "easy seven one kilo cleared to land runway two five left", 0),
        ("EZY71K", "cleared to land two five left easy seven one kilo", 1)]},
]


def speakers_in(dialogue):
    return sorted({spk for spk, _, _ in dialogue["turns"]})


def write_vocab():
    words = sorted({w for d in DIALOGUES for _, text, _ in d["turns"] for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def instantiate(registry, spec, **extra):
    args = {**spec["args"], **extra}
    return registry[spec["type"]](**args)


@register_model("tiny_bert")
def tiny_bert(vocab_size, hidden=32, layers=1, heads=2):
    return BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                                num_attention_heads=heads, intermediate_size=hidden * 2,
                                max_position_embeddings=64), add_pooling_layer=False)


@register_head("speaker_intent")
class SpeakerIntentHead(nn.Module):
    def __init__(self, hidden, n_intents=4, n_speakers=2):
        super().__init__()
        self.speaker = nn.Embedding(n_speakers, hidden)
        self.classify = nn.Sequential(nn.LayerNorm(hidden), nn.Linear(hidden, n_intents))

    def forward(self, cls_vec, speaker_ids):
        return self.classify(cls_vec + self.speaker(speaker_ids))


@register_collator("turns")
def turn_collator(tokenizer, speaker_index, max_length=32):
    def collate(turns):
        enc = tokenizer([t for _, t, _ in turns], padding="longest", truncation=True,
                        max_length=max_length, return_tensors="pt")
        spk = torch.tensor([speaker_index[s] for s, _, _ in turns])
        return enc, spk, torch.tensor([y for _, _, y in turns])
    return collate


def main():
    set_seed(3)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    speaker_index = {s: i for i, s in enumerate(sorted({s for d in DIALOGUES for s, _, _ in d["turns"]}))}
    CFG["head"]["args"]["n_speakers"] = len(speaker_index)

    encoder = instantiate(MODELS, CFG["model"], vocab_size=tok.vocab_size)
    head = instantiate(HEADS, CFG["head"], hidden=encoder.config.hidden_size)
    collate = instantiate(COLLATORS, CFG["collator"], tokenizer=tok, speaker_index=speaker_index)
    turns = [turn for d in DIALOGUES for turn in d["turns"]]
    loader = DataLoader(turns, batch_size=CFG["data"]["batch_size"], shuffle=True, collate_fn=collate)

    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4)
    encoder, head, opt, loader = accelerator.prepare(encoder, head, opt, loader)
    loss_fn = nn.CrossEntropyLoss()
    accelerator.print(f"{len(turns)} transmissions, {len(speaker_index)} callsigns, intents={INTENTS}")

    for epoch in range(CFG["data"]["epochs"]):
        total = 0.0
        for enc, spk, intent in loader:
            cls_vec = encoder(**enc).last_hidden_state[:, 0]
            loss = loss_fn(head(cls_vec, spk), intent)
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
