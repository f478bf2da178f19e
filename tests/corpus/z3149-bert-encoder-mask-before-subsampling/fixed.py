import os

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "char_vocab.txt")

SR = 16000
WIN = 400
HOP = 160
N_MELS = 64

special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
letters = list("abcdefghijklmnopqrstuvwxyz")
with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(special + letters + ["|"]) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)
BLANK_ID = tokenizer.pad_token_id


def encode_transcript(text):
    spaced = " ".join("|" if ch == " " else ch for ch in text.lower())
    return tokenizer(spaced, add_special_tokens=False)["input_ids"]


def fbank(wav):
    frames = wav.unfold(0, WIN, HOP) * torch.hamming_window(WIN)
    spec = torch.fft.rfft(frames, n=512).abs().pow(2)
    n_bins = spec.shape[-1]
    edges = torch.linspace(0, n_bins - 1, N_MELS + 2)
    bins = torch.arange(n_bins, dtype=torch.float32)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    tri = torch.clamp(torch.minimum((bins - left) / (centre - left), (right - bins) / (right - centre)), min=0)
    feats = torch.log(spec @ tri.T + 1e-10)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-5)


def make_corpus(n, rng):
    lexicon = ["hello", "world", "open", "the", "door", "turn", "left", "right", "stop", "now"]
    corpus = []
    for _ in range(n):
        words = rng.choice(lexicon, size=rng.integers(1, 4))
        secs = rng.uniform(0.5, 1.5)
        wav = torch.from_numpy(rng.normal(0, 0.05, int(SR * secs)).astype(np.float32))
        corpus.append({"wav": wav, "text": " ".join(words)})
    return corpus


def collate(items):
    feats = [fbank(it["wav"]) for it in items]
    labels = [torch.tensor(encode_transcript(it["text"])) for it in items]
    n_frames = torch.tensor([f.shape[0] for f in feats])
    n_labels = torch.tensor([len(l) for l in labels])
    T, U = int(n_frames.max()), int(n_labels.max())
    x = torch.zeros(len(items), T, N_MELS)
    y = torch.full((len(items), U), BLANK_ID, dtype=torch.long)
    mask = torch.zeros(len(items), T, dtype=torch.long)
    for i, (f, l) in enumerate(zip(feats, labels)):
        x[i, : f.shape[0]] = f
        y[i, : len(l)] = l
        mask[i, : f.shape[0]] = 1
    return {"features": x, "attention_mask": mask, "feature_lengths": n_frames,
            "labels": y, "label_lengths": n_labels}


class ConvSubsample(nn.Module):
    def __init__(self, n_in, d):
        super().__init__()
        self.c1 = nn.Conv1d(n_in, d, kernel_size=3, stride=2, padding=1)
        self.c2 = nn.Conv1d(d, d, kernel_size=3, stride=2, padding=1)
        self.act = nn.GELU()

    def forward(self, x):
        x = self.act(self.c1(x.transpose(1, 2)))
        x = self.act(self.c2(x))
        return x.transpose(1, 2)

    @staticmethod
    def out_lengths(lengths):
        for _ in range(2):
            lengths = (lengths - 1) // 2 + 1
        return lengths


class CTCTransformer(nn.Module):
    def __init__(self, vocab_size, d_model=32):
        super().__init__()
        self.frontend = ConvSubsample(N_MELS, d_model)
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=d_model, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=256)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, batch):
        h = self.frontend(batch["features"])
        out_lens = ConvSubsample.out_lengths(batch["feature_lengths"])
        enc_mask = (torch.arange(h.shape[1])[None, :] < out_lens[:, None]).long()
        enc = self.encoder(inputs_embeds=h, attention_mask=enc_mask).last_hidden_state
        return self.head(enc).log_softmax(-1), out_lens


def greedy(log_probs, lens):
    ids = log_probs.argmax(-1)
    results = []
    for row, n in zip(ids, lens):
        collapsed = torch.unique_consecutive(row[:n])
        kept = [int(t) for t in collapsed if t != BLANK_ID]
        results.append("".join(tokenizer.convert_ids_to_tokens(kept)).replace("|", " "))
    return results


def run():
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    corpus = make_corpus(16, rng)
    model = CTCTransformer(len(tokenizer))
    criterion = nn.CTCLoss(blank=BLANK_ID, zero_infinity=True)
    optim = torch.optim.Adam(model.parameters(), lr=3e-4)

    for step in range(4):
        batch = collate(corpus[step * 4:(step + 1) * 4])
        log_probs, out_lens = model(batch)
        loss = criterion(log_probs.transpose(0, 1), batch["labels"], out_lens, batch["label_lengths"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step}: ctc {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        log_probs, out_lens = model(collate(corpus[:4]))
    print(greedy(log_probs, out_lens))


if __name__ == "__main__":
    run()
