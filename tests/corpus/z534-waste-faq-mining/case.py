"""Mine hard negatives for the council's waste-collection FAQ bot and fine-tune
a small bi-encoder on (question, right answer, confusable answer) triplets."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, util
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

random.seed(3)
torch.manual_seed(3)

ANSWERS = [
    "general waste bins are emptied every second tuesday",
    "recycling goes in the blue bin rinsed and loose not bagged",
    "garden waste needs a paid brown bin permit each year",
    "bulky items like sofas are collected by booking online for a fee",
    "glass bottles go to the bottle bank not the blue bin",
    "a missed collection can be reported up to two days later",
    "batteries and electricals go to the recycling centre",
    "replacement bins are free if the old one was damaged by the crew",
]

# (user question, index of the answer the agents picked)
LOGS = [
    ("when do you empty the black bin", 0), ("which week is rubbish day", 0),
    ("can i put plastic bags in recycling", 1), ("do yoghurt pots need washing", 1),
    ("how much is the brown bin", 2), ("do i need a permit for grass cuttings", 2),
    ("how do i get rid of an old sofa", 3), ("can you take a mattress away", 3),
    ("where do wine bottles go", 4), ("is glass allowed in the blue bin", 4),
    ("my bin was not emptied yesterday", 5), ("the lorry skipped our street", 5),
    ("where can i throw away batteries", 6), ("what about an old kettle", 6),
    ("the crew broke my bin lid", 7), ("how do i get a new wheelie bin", 7),
    ("bin day changed over the holidays", 0), ("pizza boxes in the blue bin", 1),
    ("hedge trimmings collection", 2), ("old fridge pickup", 3),
    ("my bin was not emptied yesterday", 5),
]


def build_tiny_encoder(corpus):
    root = tempfile.mkdtemp()
    words = sorted({w for t in corpus for w in t.split()})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    word = Transformer(root, max_seq_length=32)
    pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def pick_hard_negative(score_row, gold_idx):
    for cand in torch.argsort(score_row, descending=True).tolist():
        if cand != gold_idx:
            return cand
    raise ValueError("no negative candidate")


def near_duplicates(score_matrix, threshold):
    dropped = set()
    for i in range(score_matrix.size(0)):
        for j in range(i + 1, score_matrix.size(0)):
            if j not in dropped and score_matrix[i, j] > threshold:
                dropped.add(j)
    return dropped


def top1(model, questions, gold):
    q = model.encode(questions, convert_to_tensor=True, normalize_embeddings=True)
    a = model.encode(ANSWERS, convert_to_tensor=True, normalize_embeddings=True)
    return (util.cos_sim(q, a).argmax(dim=1) == gold).float().mean().item()


def main():
    questions = [q for q, _ in LOGS]
    gold = torch.tensor([g for _, g in LOGS])
    model = build_tiny_encoder(questions + ANSWERS)

    q_emb = model.encode(questions, convert_to_tensor=True, normalize_embeddings=True)
    a_emb = model.encode(ANSWERS, convert_to_tensor=True, normalize_embeddings=True)
    sims = util.cos_sim(q_emb, a_emb)
    print(f"{len(questions)} logged questions, {len(ANSWERS)} answers, "
          f"top1 before training {(sims.argmax(1) == gold).float().mean():.2f}")

    # identical phrasings from copy-pasted tickets would just repeat the same triplet
    sims = util.cos_sim(q_emb, q_emb)
    dup = near_duplicates(sims, threshold=0.9999)
    keep = [i for i in range(len(questions)) if i not in dup]
    print(f"dropped {len(dup)} near-duplicate questions")

    neg_ids = torch.tensor([pick_hard_negative(sims[i], int(gold[i])) for i in keep])
    kept = torch.tensor(keep)
    pos_score = (q_emb[kept] * a_emb[gold[kept]]).sum(-1)
    neg_score = (q_emb[kept] * a_emb.index_select(0, neg_ids)).sum(-1)
    print(f"mean margin pos-neg before training: {(pos_score - neg_score).mean():.4f}")

    triplets = [InputExample(texts=[questions[i], ANSWERS[int(gold[i])], ANSWERS[int(n)]])
                for i, n in zip(keep, neg_ids.tolist())]
    loader = DataLoader(triplets, batch_size=4, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=3, warmup_steps=2,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    print(f"top1 after training {top1(model, questions, gold):.2f}")


if __name__ == "__main__":
    main()
