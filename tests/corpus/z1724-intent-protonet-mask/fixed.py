"""Few-shot intent detection for a support-desk bot with a prototypical network.

Each episode samples N intents, K labelled utterances per intent (support) and a
few held-out utterances per intent (query). Utterances are encoded by a small BERT,
mean-pooled over real tokens, and classified by distance to the class prototypes.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class EpisodeConfig:
    n_way: int = 3
    k_shot: int = 2
    n_query: int = 2
    max_len: int = 16
    hidden: int = 32
    episodes: int = 4
    lr: float = 3e-4
    seed: int = 7


INTENTS = {
    "refund": ["i want my money back", "please refund the order", "how do i get a refund",
               "refund my last payment please", "money back for broken item"],
    "shipping": ["where is my package", "when will the order ship", "tracking number is not working",
                 "my package is late", "how long does shipping take"],
    "password": ["i forgot my password", "reset my password please", "cannot log in to my account",
                 "password reset link is broken", "change my account password"],
    "cancel": ["cancel my subscription", "please cancel the order", "i want to cancel my plan",
               "stop my subscription now", "how do i cancel"],
}


def build_tokenizer(workdir):
    words = sorted({w for utts in INTENTS.values() for u in utts for w in u.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def pad_utterances(token_lists, pad_id):
    width = max(len(t) for t in token_lists)
    rows = [t + [pad_id] * (width - len(t)) for t in token_lists]
    lengths = torch.tensor([len(t) for t in token_lists])
    return torch.tensor(rows), lengths


def lengths_to_mask(lengths, width):
    positions = torch.arange(width).unsqueeze(0)
    return (positions < lengths.unsqueeze(1)).long()


def encode_utterances(encoder, tok, texts, cfg):
    token_lists = [tok.encode(t, truncation=True, max_length=cfg.max_len) for t in texts]
    utt_ids, lengths = pad_utterances(token_lists, tok.pad_token_id)
    utt_mask = lengths_to_mask(lengths, utt_ids.size(1))
    hidden = encoder(input_ids=utt_ids, attention_mask=utt_mask).last_hidden_state
    weights = utt_mask.unsqueeze(-1).float()
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def sample_episode(cfg, rng):
    intents = rng.sample(sorted(INTENTS), cfg.n_way)
    support, query, query_labels = [], [], []
    for label, intent in enumerate(intents):
        utts = rng.sample(INTENTS[intent], cfg.k_shot + cfg.n_query)
        support.extend(utts[:cfg.k_shot])
        query.extend(utts[cfg.k_shot:])
        query_labels.extend([label] * cfg.n_query)
    return support, query, torch.tensor(query_labels)


def proto_logits(support_emb, query_emb, cfg):
    protos = support_emb.view(cfg.n_way, cfg.k_shot, -1).mean(1)
    return -torch.cdist(query_emb, protos).pow(2)


def main():
    cfg = EpisodeConfig()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    with tempfile.TemporaryDirectory() as workdir:
        tok = build_tokenizer(workdir)
        bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64, pad_token_id=tok.pad_token_id)
        encoder = BertModel(bert_cfg)
        optim = torch.optim.AdamW(encoder.parameters(), lr=cfg.lr)

        for ep in range(cfg.episodes):
            support, query, q_labels = sample_episode(cfg, rng)
            s_emb = encode_utterances(encoder, tok, support, cfg)
            q_emb = encode_utterances(encoder, tok, query, cfg)
            logits = proto_logits(s_emb, q_emb, cfg)
            loss = F.cross_entropy(logits, q_labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            acc = (logits.argmax(-1) == q_labels).float().mean().item()
            print(f"episode {ep}: loss={loss.item():.4f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
