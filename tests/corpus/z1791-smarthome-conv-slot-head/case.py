"""Smart-home voice assistant NLU: intent + slot tagging.

A tiny BERT encoder is followed by a 1-D convolution over the token axis so the
slot tagger sees a local window of neighbouring words before classifying each one.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

COMMANDS = [
    ("turn on the kitchen lights", "lights_on",
     ["O", "O", "O", "B-room", "B-device"]),
    ("set the bedroom thermostat to twenty degrees", "set_temperature",
     ["O", "O", "B-room", "B-device", "O", "B-value", "I-value"]),
    ("dim the living room lamp", "lights_dim",
     ["O", "O", "B-room", "I-room", "B-device"]),
    ("switch off the tv", "device_off",
     ["O", "O", "O", "B-device"]),
    ("make the hallway warmer", "set_temperature",
     ["O", "O", "B-room", "O"]),
]

TAGS = ["O", "B-room", "I-room", "B-device", "B-value", "I-value"]
INTENTS = sorted({intent for _, intent, _ in COMMANDS})


def write_vocab(folder):
    words = sorted({w for text, _, _ in COMMANDS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_batch(tok):
    utterances = [text.split() for text, _, _ in COMMANDS]
    enc = tok(utterances, is_split_into_words=True, padding="longest", return_tensors="pt")
    tag_targets = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for b, (_, _, tags) in enumerate(COMMANDS):
        for pos, word_idx in enumerate(enc.word_ids(b)):
            if word_idx is not None:
                tag_targets[b, pos] = TAGS.index(tags[word_idx])
    intent_targets = torch.tensor([INTENTS.index(i) for _, i, _ in COMMANDS])
    return enc, tag_targets, intent_targets


class HomeCommandParser(nn.Module):
    def __init__(self, cfg, n_tags, n_intents, window=3):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.local_ctx = nn.Conv1d(cfg.hidden_size, cfg.hidden_size, kernel_size=window, padding=window // 2)
        self.act = nn.GELU()
        self.tagger = nn.Linear(cfg.hidden_size, n_tags)
        self.intent_head = nn.Linear(cfg.hidden_size, n_intents)

    def forward(self, token_ids, attn):
        states = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state
        windowed = self.act(self.local_ctx(states.transpose(1, 2))).transpose(1, 2)
        return self.intent_head(states[:, 0]), windowed


def flat_tag_loss(tagger, windowed, tag_targets, loss_fn):
    n_tokens = windowed.size(0) * windowed.size(1)
    per_token = windowed.view(n_tokens, windowed.size(-1))
    return loss_fn(tagger(per_token), tag_targets.view(n_tokens))


def main():
    tmp = tempfile.mkdtemp(prefix="smarthome_")
    tok = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    parser = HomeCommandParser(cfg, len(TAGS), len(INTENTS))
    enc, tag_targets, intent_targets = make_batch(tok)
    print("tokens", tuple(enc["input_ids"].shape), "tags", tuple(tag_targets.shape))

    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    opt = torch.optim.AdamW(parser.parameters(), lr=1e-3)

    for it in range(4):
        parser.train()
        opt.zero_grad()
        intent_logits, windowed = parser(enc["input_ids"], enc["attention_mask"])
        slot_loss = flat_tag_loss(parser.tagger, windowed, tag_targets, loss_fn)
        intent_loss = loss_fn(intent_logits, intent_targets)
        (slot_loss + intent_loss).backward()
        opt.step()
        print(f"iter {it} slot {slot_loss.item():.3f} intent {intent_loss.item():.3f}")

    parser.eval()
    with torch.no_grad():
        intent_logits, windowed = parser(enc["input_ids"], enc["attention_mask"])
        tag_pred = parser.tagger(windowed).argmax(-1)
    for b, (text, _, _) in enumerate(COMMANDS):
        keep = tag_targets[b] != -100
        print(INTENTS[intent_logits[b].argmax().item()], text,
              [TAGS[t] for t in tag_pred[b][keep].tolist()])


if __name__ == "__main__":
    main()
