"""Prototypical network for few-shot intent detection on top of a small BERT encoder.

Train on 5-way episodes, evaluate on harder 3-way episodes drawn from held-out intents.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass
class ProtoConfig:
    n_way: int = 5
    k_shot: int = 2
    n_query: int = 3
    eval_way: int = 3
    train_episodes: int = 2
    eval_episodes: int = 2
    max_len: int = 16
    hidden: int = 32
    lr: float = 3e-4
    seed: int = 7


TRAIN_INTENTS = {
    "book_flight": ["book a flight to paris", "i need a plane ticket to rome", "get me a flight tomorrow",
                    "reserve a seat on the morning flight", "find flights to berlin"],
    "check_balance": ["what is my balance", "how much money do i have", "show my account balance",
                      "check my savings balance", "balance on my checking account"],
    "play_music": ["play some jazz", "put on my workout playlist", "play the new album",
                   "start some music", "play songs by the beatles"],
    "set_alarm": ["wake me up at six", "set an alarm for seven", "alarm for tomorrow morning",
                  "set a timer alarm at noon", "remind me at five with an alarm"],
    "weather_query": ["will it rain today", "what is the weather in london", "is it cold outside",
                      "forecast for tomorrow", "do i need an umbrella"],
    "order_food": ["order a pizza", "get me some sushi delivered", "i want to order thai food",
                   "order lunch from the cafe", "deliver a burger to my home"],
}
HELDOUT_INTENTS = {
    "cancel_booking": ["cancel my reservation", "cancel the hotel booking", "i want to cancel my flight",
                       "drop my table reservation", "cancel tomorrow booking"],
    "transfer_money": ["send money to my sister", "transfer fifty to savings", "move money to checking",
                       "wire money to my landlord", "transfer cash to john"],
    "translate": ["translate hello to french", "how do you say thanks in german", "translate this to spanish",
                  "what is cat in italian", "translate good morning to japanese"],
}


def build_tokenizer(workdir):
    words = sorted({w for pool in (TRAIN_INTENTS, HELDOUT_INTENTS) for utts in pool.values()
                    for u in utts for w in u.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path), len(vocab)


def sample_episode(pool, way, shot, query, rng):
    intents = rng.sample(sorted(pool), way)
    support, s_lab, queries, q_lab = [], [], [], []
    for label, name in enumerate(intents):
        utts = rng.sample(pool[name], shot + query)
        support += utts[:shot]
        s_lab += [label] * shot
        queries += utts[shot:]
        q_lab += [label] * query
    return support, torch.tensor(s_lab), queries, torch.tensor(q_lab)


def embed(encoder, tokenizer, texts, cfg):
    enc = tokenizer(texts, padding=True, truncation=True, max_length=cfg.max_len, return_tensors="pt")
    out = encoder(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    return (out * mask).sum(1) / mask.sum(1)


def proto_logits(encoder, tokenizer, support, s_lab, queries, way, cfg):
    s_emb = embed(encoder, tokenizer, support, cfg)
    q_emb = embed(encoder, tokenizer, queries, cfg)
    protos = torch.stack([s_emb[s_lab == c].mean(0) for c in range(way)])
    return -torch.cdist(q_emb, protos).pow(2)


def query_accuracy(pred, q_lab, cfg):
    correct = 0
    for q in range(len(q_lab)):
        correct += int(pred[q] == q_lab[q])
    return correct / len(q_lab)


def main():
    cfg = ProtoConfig()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    workdir = tempfile.mkdtemp()
    tokenizer, vocab_size = build_tokenizer(workdir)
    bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(bert_cfg)
    opt = torch.optim.AdamW(encoder.parameters(), lr=cfg.lr)

    encoder.train()
    for ep in range(cfg.train_episodes):
        support, s_lab, queries, q_lab = sample_episode(TRAIN_INTENTS, cfg.n_way, cfg.k_shot, cfg.n_query, rng)
        logits = proto_logits(encoder, tokenizer, support, s_lab, queries, cfg.n_way, cfg)
        loss = F.cross_entropy(logits, q_lab)
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = query_accuracy(logits.argmax(-1), q_lab, cfg)
        print(f"episode {ep:02d} loss {loss.item():.4f} acc {acc:.3f}")

    encoder.eval()
    accs = []
    with torch.no_grad():
        for ep in range(cfg.eval_episodes):
            support, s_lab, queries, q_lab = sample_episode(HELDOUT_INTENTS, cfg.eval_way, cfg.k_shot,
                                                            cfg.n_query, rng)
            logits = proto_logits(encoder, tokenizer, support, s_lab, queries, cfg.eval_way, cfg)
            accs.append(query_accuracy(logits.argmax(-1), q_lab, cfg))
    print(f"held-out {cfg.eval_way}-way {cfg.k_shot}-shot accuracy: {sum(accs) / len(accs):.3f}")


if __name__ == "__main__":
    main()
