# Herbarium sheet transcription classifier
# Reads the free-text collector label of a digitised sheet and predicts the species,
# with an auxiliary family head so the encoder also learns the coarse taxonomy.
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

randomSeed = 13
maxLen = 24
hiddenDim = 32
batchSize = 4
numEpochs = 2

# species -> genus -> family, as exported from the collection database
speciesNames = ["Quercus robur", "Quercus ilex", "Fagus sylvatica", "Betula pendula",
                "Alnus glutinosa", "Ranunculus acris", "Ranunculus repens", "Anemone nemorosa",
                "Rosa canina", "Rubus caesius", "Prunus spinosa", "Crataegus monogyna"]
genusNames = ["Quercus", "Fagus", "Betula", "Alnus", "Ranunculus", "Anemone", "Rosa", "Rubus", "Prunus", "Crataegus"]
familyNames = ["Fagaceae", "Betulaceae", "Ranunculaceae", "Rosaceae"]
genusOfSpecies = torch.tensor([0, 0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9])
familyOfGenus = torch.tensor([0, 0, 1, 1, 2, 2, 3, 3, 3, 3])

sheetLabels = [
    ("acorns on long stalks hedge bank clay soil", 0),
    ("evergreen leaves spiny margin coastal garrigue", 1),
    ("smooth grey bark beech mast chalk escarpment", 2),
    ("white papery bark drooping twigs heath edge", 3),
    ("sticky young leaves river bank cones persistent", 4),
    ("yellow glossy petals damp meadow tall stems", 5),
    ("creeping runners yellow petals wet ditch", 6),
    ("white flowers woodland floor early spring", 7),
    ("pink flowers arching stems hips hedgerow", 8),
    ("dewberry bloomy fruit dune slack trailing", 9),
    ("blackthorn white blossom before leaves scrub", 10),
    ("hawthorn lobed leaves red haws field margin", 11),
    ("acorns sessile leaves parkland old pollard", 0),
    ("buttercup hairy sepals spreading grazed pasture", 5),
    ("dog rose hooked prickles sunny bank", 8),
    ("sloe fruit dark blue hedgerow thicket", 10),
]


def buildVocab(rows):
    vocabMap = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2}
    for textLine, _ in rows:
        for tok in textLine.split():
            if tok not in vocabMap:
                vocabMap[tok] = len(vocabMap)
    return vocabMap


def encodeLine(textLine, vocabMap):
    ids = [vocabMap["[CLS]"]] + [vocabMap.get(t, 1) for t in textLine.split()]
    ids = ids[:maxLen]
    return ids + [0] * (maxLen - len(ids))


class SheetEncoder(nn.Module):
    def __init__(self, vocabSize, numSpecies, numFamilies):
        super().__init__()
        self.tokEmb = nn.Embedding(vocabSize, hiddenDim, padding_idx=0)
        self.posEmb = nn.Embedding(maxLen, hiddenDim)
        layerDef = nn.TransformerEncoderLayer(hiddenDim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layerDef, num_layers=1)
        self.speciesHead = nn.Linear(hiddenDim, numSpecies)
        self.familyHead = nn.Linear(hiddenDim, numFamilies)

    def forward(self, tokenIds):
        positions = torch.arange(tokenIds.size(1)).unsqueeze(0)
        hidden = self.tokEmb(tokenIds) + self.posEmb(positions)
        hidden = self.encoder(hidden, src_key_padding_mask=tokenIds.eq(0))
        clsVec = hidden[:, 0]
        return self.speciesHead(clsVec), self.familyHead(clsVec)


def makeBatches(rows, vocabMap, size):
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start:start + size]]
        tokenIds = torch.tensor([encodeLine(t, vocabMap) for t, _ in chunk])
        speciesIds = torch.tensor([s for _, s in chunk])
        yield tokenIds, speciesIds


def main():
    random.seed(randomSeed)
    torch.manual_seed(randomSeed)

    vocabMap = buildVocab(sheetLabels)
    print("vocab size %d, %d sheets, %d species / %d genera / %d families"
          % (len(vocabMap), len(sheetLabels), len(speciesNames), len(genusNames), len(familyNames)))

    netModel = SheetEncoder(len(vocabMap), len(speciesNames), len(familyNames))
    optim = torch.optim.AdamW(netModel.parameters(), lr=3e-4)
    auxWeight = 0.3

    for epochNo in range(numEpochs):
        netModel.train()
        runningLoss = 0.0
        stepCount = 0
        for tokenIds, speciesIds in makeBatches(sheetLabels, vocabMap, batchSize):
            # coarse target for the auxiliary head
            familyIds = familyOfGenus[genusOfSpecies[speciesIds]]

            speciesLogits, familyLogits = netModel(tokenIds)
            speciesLoss = F.cross_entropy(speciesLogits, speciesIds)
            familyLoss = F.cross_entropy(familyLogits, familyIds)
            totalLoss = speciesLoss + auxWeight * familyLoss

            optim.zero_grad()
            totalLoss.backward()
            optim.step()
            runningLoss += totalLoss.item()
            stepCount += 1
        print("epoch %d  mean loss %.4f over %d steps" % (epochNo, runningLoss / stepCount, stepCount))

    # quick look at what the model now says for each training sheet
    netModel.eval()
    with torch.no_grad():
        hits = 0
        for textLine, speciesId in sheetLabels:
            speciesLogits, familyLogits = netModel(torch.tensor([encodeLine(textLine, vocabMap)]))
            predSpecies = int(speciesLogits.argmax(-1))
            predFamily = int(familyLogits.argmax(-1))
            hits += int(predSpecies == speciesId)
            print("%-50s -> %-20s (%s)" % (textLine[:50], speciesNames[predSpecies], familyNames[predFamily]))
        print("train accuracy %.2f" % (hits / float(len(sheetLabels))))


if __name__ == "__main__":
    main()
