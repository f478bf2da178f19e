import json
import os
import random
import string

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import Wav2Vec2Config, Wav2Vec2CTCTokenizer, Wav2Vec2ForCTC

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vocab.json")
NUM_LETTERS = len(string.ascii_lowercase)
SAMPLING_RATE = 16000


def write_char_vocab(path):
    vocab = {"<pad>": 0, "<unk>": 1, "|": 2, "'": 3}
    for ch in string.ascii_lowercase:
        vocab[ch] = len(vocab)
    with open(path, "w") as fh:
        json.dump(vocab, fh)


def normalize(text):
    text = text.lower()
    keep = set(string.ascii_lowercase + "' ")
    return "".join(c for c in text if c in keep).strip()


class CommandsDataset(Dataset):
    PHRASES = ["Turn on the lights", "Play some jazz", "What's the weather?",
               "Set a timer", "Call mom", "Yes please", "Stop the music", "Zoom in"]

    def __init__(self, n_utts, tokenizer):
        self.tok = tokenizer
        self.rows = []
        for _ in range(n_utts):
            phrase = random.choice(self.PHRASES)
            n = int(SAMPLING_RATE * random.uniform(0.5, 1.2))
            self.rows.append((np.random.randn(n).astype(np.float32) * 0.05, phrase))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        audio, phrase = self.rows[idx]
        audio = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        ids = self.tok(normalize(phrase)).input_ids
        return {"input_values": torch.from_numpy(audio), "labels": torch.tensor(ids)}


class PadCollator:
    def __init__(self, pad_audio=0.0, pad_label=-100):
        self.pad_audio = pad_audio
        self.pad_label = pad_label

    def __call__(self, feats):
        max_a = max(f["input_values"].numel() for f in feats)
        max_l = max(f["labels"].numel() for f in feats)
        audio = torch.full((len(feats), max_a), self.pad_audio)
        mask = torch.zeros((len(feats), max_a), dtype=torch.long)
        labels = torch.full((len(feats), max_l), self.pad_label, dtype=torch.long)
        for i, f in enumerate(feats):
            a, l = f["input_values"], f["labels"]
            audio[i, : a.numel()] = a
            mask[i, : a.numel()] = 1
            labels[i, : l.numel()] = l
        return {"input_values": audio, "attention_mask": mask, "labels": labels}


def greedy_ctc(logits, tokenizer):
    pred_ids = logits.argmax(-1)
    return tokenizer.batch_decode(pred_ids)


write_char_vocab(VOCAB_PATH)
tokenizer = Wav2Vec2CTCTokenizer(VOCAB_PATH, unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")

config = Wav2Vec2Config(
    vocab_size=NUM_LETTERS + 2,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    conv_dim=(32, 32, 32),
    conv_stride=(5, 4, 4),
    conv_kernel=(10, 8, 4),
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
    feat_extract_norm="layer",
    do_stable_layer_norm=True,
    mask_time_prob=0.0,
    pad_token_id=tokenizer.pad_token_id,
    ctc_loss_reduction="mean",
    ctc_zero_infinity=True,
)
model = Wav2Vec2ForCTC(config)
model.freeze_feature_encoder()

train_set = CommandsDataset(32, tokenizer)
loader = DataLoader(train_set, batch_size=8, shuffle=True, collate_fn=PadCollator())
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-4)

model.train()
for epoch in range(2):
    running = 0.0
    for batch in loader:
        out = model(**batch)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch} mean ctc {running / len(loader):.4f}")

model.eval()
with torch.no_grad():
    batch = next(iter(loader))
    logits = model(input_values=batch["input_values"], attention_mask=batch["attention_mask"]).logits
    print(greedy_ctc(logits, tokenizer)[:3])
