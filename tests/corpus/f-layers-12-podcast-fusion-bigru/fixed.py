import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

opts = {
    "rnn_units": 24,
    "audio_feats": 13,
    "n_genres": 3,
    "max_len": 16,
    "lr": 2e-4,
}

WORDS = ["true", "crime", "history", "comedy", "interview", "science", "weekly",
         "episode", "story", "guest", "news", "the", "a", "of", "and", "with"]

EPISODES = [
    ("true crime story of the weekly news", 0),
    ("history episode with a guest", 1),
    ("comedy interview and science", 2),
    ("the weekly crime episode", 0),
    ("a history of science", 1),
    ("comedy guest with the news", 2),
    ("true story of a guest", 0),
    ("science and history weekly", 1),
]


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


class EpisodeGenreModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.audio_rnn = nn.GRU(opts["audio_feats"], opts["rnn_units"],
                                batch_first=True, bidirectional=True)
        d = self.encoder.config.hidden_size + 2 * opts["rnn_units"]
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(d, opts["n_genres"])

    def forward(self, input_ids, attention_mask, audio):
        text = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        text_vec = text.last_hidden_state[:, 0]
        _, h_n = self.audio_rnn(audio)
        audio_vec = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        fused = torch.cat([text_vec, audio_vec], dim=-1)
        return self.classifier(self.dropout(fused))


def main():
    torch.manual_seed(3)
    with tempfile.TemporaryDirectory() as workdir:
        tokenizer = build_tokenizer(workdir)
        texts = [t for t, _ in EPISODES]
        enc = tokenizer(texts, padding="max_length", truncation=True,
                        max_length=opts["max_len"], return_tensors="pt")
        labels = torch.tensor([g for _, g in EPISODES])
        audio = torch.randn(len(EPISODES), 40, opts["audio_feats"])

        model = EpisodeGenreModel(tokenizer.vocab_size)
        optim = torch.optim.AdamW(model.parameters(), lr=opts["lr"])
        loss_fn = nn.CrossEntropyLoss()
        model.train()
        for step in range(3):
            logits = model(enc["input_ids"], enc["attention_mask"], audio)
            loss = loss_fn(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            print(f"step {step}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
