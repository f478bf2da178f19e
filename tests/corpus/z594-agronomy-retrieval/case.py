"""Fine-tune a small bi-encoder that maps farmers' questions to extension bulletin passages.

Each training example is (question, matching passage, hard negative passage); the hard
negative is a passage about the same crop that answers a different question.
"""
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, models

torch.manual_seed(11)

TRIPLES = [
    ("why are my tomato leaves curling upward",
     "leaf roll in tomato is often caused by heat stress and uneven watering",
     "tomato blossom end rot comes from calcium deficiency in fruit"),
    ("when should i plant winter wheat",
     "winter wheat is sown in early autumn after the hessian fly free date",
     "wheat stem rust shows as reddish pustules on stems"),
    ("how to control aphids on cabbage without spraying",
     "ladybird beetles and lacewings feed on cabbage aphids in large numbers",
     "cabbage heads split when heavy rain follows a dry spell"),
    ("what causes yellow stripes on corn leaves",
     "interveinal yellow striping on maize points to zinc or magnesium deficiency",
     "corn earworm larvae feed on silks and kernels at the ear tip"),
    ("how deep should potato seed pieces be planted",
     "plant potato seed pieces about ten centimetres deep in moist soil",
     "potato late blight spreads fast in cool wet weather"),
    ("why do my apple trees drop fruit in june",
     "june drop is natural thinning when apple trees set more fruit than they can carry",
     "apple scab leaves olive green spots on leaves and fruit"),
    ("how much nitrogen does rice need",
     "rice usually needs split nitrogen doses at transplanting tillering and panicle start",
     "rice blast forms diamond shaped lesions on leaves"),
    ("can i grow soybeans after soybeans",
     "continuous soybean raises cyst nematode and disease pressure so rotate with corn",
     "soybean pods shatter if harvest is delayed in dry weather"),
]


def build_encoder_dir(texts):
    words = sorted({w for t in texts for w in t.split()})
    out = tempfile.mkdtemp()
    with open(f"{out}/vocab.txt", "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(f"{out}/vocab.txt")
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


class HardNegativeRankingLoss(nn.Module):
    """In-batch softmax over all passages of the batch (positives and hard negatives)."""

    def __init__(self, model, scale=20.0):
        super().__init__()
        self.model = model
        self.scale = scale

    def forward(self, sentence_features, labels):
        reps = [self.model(feat)["sentence_embedding"] for feat in sentence_features]
        emb = F.normalize(torch.cat(reps), dim=-1)
        queries, passages = emb.chunk(2)
        scores = queries @ passages.T * self.scale
        # question i should score highest against passage i
        target = torch.arange(len(reps[0]), device=scores.device)
        return F.cross_entropy(scores, target)


def report(model, step_name):
    qs = [t[0] for t in TRIPLES]
    ps = [t[1] for t in TRIPLES]
    q = model.encode(qs, convert_to_tensor=True, normalize_embeddings=True)
    p = model.encode(ps, convert_to_tensor=True, normalize_embeddings=True)
    hits = ((q @ p.T).argmax(-1) == torch.arange(len(qs))).float().mean().item()
    print(f"[{step_name}] top-1 retrieval accuracy: {hits:.2f}")


if __name__ == "__main__":
    enc_dir = build_encoder_dir(t for triple in TRIPLES for t in triple)
    word = models.Transformer(enc_dir, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")

    report(model, "before")
    examples = [InputExample(texts=list(t)) for t in TRIPLES]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = HardNegativeRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss_fn)], epochs=3, warmup_steps=1,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    report(model, "after")
